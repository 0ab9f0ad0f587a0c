/**
 * The generator is deterministic: the same preset and seed give the same rows.
 * @module-tag slow
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabase, type TestDatabase } from './database.ts';
import { generate } from '../../sample/generate/generate.ts';
import { DATA_TABLES } from '../../sample/generate/columns.ts';

/** md5 of every table's rows in id order (defects in a stable order). */
async function fingerprint(src: TestDatabase): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of DATA_TABLES) {
    const { rows } = await src.query(`select md5(string_agg(t::text, '' order by id)) as h from csdl.${table} t`);
    out[table] = rows[0].h;
  }
  const { rows } = await src.query(`select md5(string_agg(t::text, '' order by t::text)) as h from synthetic.defects t`);
  out.defects = rows[0].h;
  return out;
}

describe('csdl generate determinism', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  beforeAll(async () => {
    [a, b] = await Promise.all([startDatabase(), startDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('gives byte-identical tables for the same seed in two fresh databases', async () => {
    const first = await generate({ url: a.url, preset: 'tiny', seed: 42 });
    const second = await generate({ url: b.url, preset: 'tiny', seed: 42 });
    expect(first.status).toBe('generated');
    expect(second.counts).toEqual(first.counts);
    expect(first.counts.hoc_sinh).toBeGreaterThan(5_000);
    const [fa, fb] = await Promise.all([fingerprint(a), fingerprint(b)]);
    for (const table of Object.keys(fa)) expect(fa[table], table).not.toBeNull();
    expect(fb).toEqual(fa);
  });

  it('skips a preset and seed that are already complete, and regenerates with force', async () => {
    const before = await fingerprint(a);
    const skipped = await generate({ url: a.url, preset: 'tiny', seed: 42 });
    expect(skipped.status).toBe('skipped');
    expect(skipped.counts.hoc_sinh).toBeGreaterThan(0);
    const forced = await generate({ url: a.url, preset: 'tiny', seed: 42, force: true });
    expect(forced.status).toBe('generated');
    expect(await fingerprint(a)).toEqual(before);
    const { rows } = await a.query('select count(*)::int as n from synthetic.generation where finished_at is not null');
    expect(rows[0].n).toBe(1);
  });

  it('gives different data for a different seed', async () => {
    const before = await fingerprint(b);
    const other = await generate({ url: b.url, preset: 'tiny', seed: 43 });
    expect(other.status).toBe('generated');
    const after = await fingerprint(b);
    for (const table of ['truong_hoc', 'hoc_sinh', 'can_bo', 'lop_hoc']) expect(after[table], table).not.toBe(before[table]);
    const { rows } = await b.query('select seed, preset from synthetic.generation');
    expect(rows).toEqual([{ seed: '43', preset: 'tiny' }]);
  });
});
