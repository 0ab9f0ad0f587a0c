/**
 * The embedded PostgreSQL's start-up on a real server: as root it must let the `postgres` user
 * reach the data folder without taking anything away from the folder's parent (a shared parent
 * such as /tmp must stay sticky and world-writable).
 * @module-tag slow
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbedded } from '../../lib/source.ts';
import { freePort } from '../support/source.ts';

describe('startEmbedded', () => {
  const top = mkdtempSync(join(tmpdir(), 'csdl-test-parent-'));
  chmodSync(top, 0o755);
  afterAll(() => rmSync(top, { recursive: true, force: true }));

  it("keeps the parent folder's own bits and adds only read and search for others", async () => {
    const parent = join(top, 'shared');
    mkdirSync(parent);
    chmodSync(parent, 0o1770); // sticky, group-writable, nothing for others
    const source = await startEmbedded(join(parent, 'pg'), await freePort());
    try {
      const mode = statSync(parent).mode & 0o7777;
      // as root the server runs as `postgres`, which needs r-x on the parent; otherwise nothing changes
      expect(mode.toString(8)).toBe(process.getuid?.() === 0 ? '1775' : '1770');
    } finally {
      await source.close();
    }
  });

  it('reuses a server already running on the folder, at the port it listens on', async () => {
    const dir = join(top, 'reused', 'pg');
    mkdirSync(join(top, 'reused'));
    const first = await startEmbedded(dir, await freePort());
    try {
      const second = await startEmbedded(dir, await freePort());
      expect(second.url).toBe(first.url);
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: second.url });
      await client.connect();
      expect((await client.query('select 1 as one')).rows[0].one).toBe(1);
      await client.end();
    } finally {
      await first.close();
    }
  });
});
