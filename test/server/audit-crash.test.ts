/**
 * The audit log survives a crash: a server process killed (SIGKILL) under load may lose requests
 * it had not answered, never one whose answer a client received. Every answer a client got must
 * have its row in meta.audit_log when the warehouse is opened again.
 * @module-tag slow
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openWarehouse } from '../../lib/warehouse.ts';
import { readRows } from '../../server/db/read-rows.ts';

const MAIN = join(import.meta.dirname, 'support', 'fixture-server-main.ts');
const dir = mkdtempSync(join(tmpdir(), 'csdl-audit-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the audit log when the server is killed', () => {
  it('holds a row for every answer a client received', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    const ready = await new Promise<string[]>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /ready (\S+) (\S+)/.exec(out);
        if (m) resolve([m[1], m[2]]);
      });
      child.once('exit', (code) => reject(new Error(`fixture server exited ${code}`)));
    });
    const [url, key] = ready;
    const paths = ['/api/public/indicators?period=2025-DN', '/api/indicators?unit=P:48@2025&indicator=LRN&format=csv', '/api/periods', '/api/quality/scores'];
    const answered = new Map<string, number>();
    let stop = false;
    const client = async (i: number) => {
      for (let n = 0; !stop; n++) {
        const path = paths[(i + n) % paths.length];
        try {
          const res = await fetch(url + path, { headers: { Authorization: `Bearer ${key}` } });
          await res.arrayBuffer();
          const k = `${path.split('?')[0]} ${res.status}`;
          answered.set(k, (answered.get(k) ?? 0) + 1);
        } catch {
          // the server died under this request: it was not answered
        }
      }
    };
    const clients = Array.from({ length: 12 }, (_, i) => client(i));
    // kill it under load once more than 100 answers went out (however busy the machine is), and
    // at least 2,5 s in
    const started = Date.now();
    const answers = () => [...answered.values()].reduce((a, b) => a + b, 0);
    while ((answers() <= 100 || Date.now() - started < 2500) && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(clients);
    await new Promise((r) => (child.exitCode !== null || child.signalCode ? r(null) : child.once('exit', r)));

    const total = [...answered.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(100);
    const warehouse = await openWarehouse(join(dir, 'warehouse.duckdb'), { memoryLimit: '512MB' });
    const conn = await warehouse.connect();
    const rows = await readRows<{ k: string; n: number }>(conn, `select path || ' ' || status as k, count(*) as n from meta.audit_log group by 1`);
    conn.closeSync();
    warehouse.close();
    const audited = new Map(rows.map((r) => [r.k, r.n]));
    for (const [k, n] of answered) expect(audited.get(k) ?? 0, k).toBeGreaterThanOrEqual(n);
  });
});
