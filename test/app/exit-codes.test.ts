import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/source.ts';

const bin = fileURLToPath(new URL('../../bin/csdl.js', import.meta.url));

function csdl(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('csdl command line', () => {
  it('exits 2 and names every bad setting when the configuration is invalid', () => {
    const r = csdl(['status'], { CSDL_ETL_PARALLELISM: '99', PORT: 'eighty', CSDL_DATABASE_URL: 'mysql://x' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('CSDL_ETL_PARALLELISM');
    expect(r.stderr).toContain('PORT');
    expect(r.stderr).toContain('CSDL_DATABASE_URL');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace for an expected error
  });

  it('exits non-zero on an unknown command and shows the commands', () => {
    const r = csdl(['bogus']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unknown command 'bogus'");
  });

  it('prints help for every command', () => {
    for (const cmd of ['generate', 'etl', 'transform', 'quality', 'status', 'serve', 'run']) {
      const r = csdl([cmd, '--help']);
      expect(r.status, cmd).toBe(0);
      expect(r.stdout, cmd).toContain(`Usage: csdl ${cmd}`);
    }
  });

  it('says it was interrupted, with exit code 143 and no stack trace, when SIGTERM stops a generate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csdl-test-sigterm-'));
    try {
      const child = spawn(process.execPath, [bin, 'generate', '--preset', 'demo'], {
        env: { ...process.env, CSDL_EMBEDDED_DIR: join(dir, 'pg'), CSDL_EMBEDDED_PORT: String(await freePort()), LOG_LEVEL: 'info' },
      });
      let stderr = '';
      child.stderr.on('data', (b) => {
        stderr += b;
        // rows are being written: interrupt now
        if (/learner rows/.test(stderr) && child.exitCode === null && !child.killed) child.kill('SIGTERM');
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      expect(code).toBe(143);
      expect(stderr).toContain('csdl: interrupted by SIGTERM');
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
