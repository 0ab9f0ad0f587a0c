import { describe, expect, it } from 'vitest';
import { SchemaDriftError } from '../../lib/errors.ts';
import { isCompatible } from '../../pipelines/ingest/contract/column-types.ts';
import { listedContracts, selectSql } from '../../pipelines/ingest/contract/contract.ts';
import { MAX_RANGES, rangeCount, splitByBounds, splitIds } from '../../pipelines/ingest/source/id-ranges.ts';
import { driftError } from '../../pipelines/ingest/contract/schema-check.ts';
import { redactCsvError } from '../../pipelines/ingest/warehouse/csv-read.ts';

describe('splitIds', () => {
  it('covers the span with contiguous, non-overlapping ranges', () => {
    const ranges = splitIds(5n, 1_000_003n, 7);
    expect(ranges).toHaveLength(7);
    expect(ranges[0].from).toBe('5');
    expect(ranges.at(-1)!.to).toBe('1000003');
    for (let i = 1; i < ranges.length; i++) expect(BigInt(ranges[i].from)).toBe(BigInt(ranges[i - 1].to) + 1n);
  });
  it('never cuts more ranges than there are ids, and handles ids beyond 2^53', () => {
    expect(splitIds(1n, 3n, 10)).toEqual([
      { from: '1', to: '1' },
      { from: '2', to: '2' },
      { from: '3', to: '3' },
    ]);
    expect(splitIds(9007199254740993n, 9007199254740995n, 1)).toEqual([{ from: '9007199254740993', to: '9007199254740995' }]);
    expect(splitIds(10n, 9n, 3)).toEqual([]);
  });
  it('reads small tables in one piece and big ones in many, never more than MAX_RANGES', () => {
    expect(rangeCount(1000, 4)).toBe(1);
    expect(rangeCount(48_000_000, 4)).toBe(480);
    expect(rangeCount(9e15, 4)).toBe(MAX_RANGES);
    expect(rangeCount(Number.NaN, 4)).toBe(1);
  });
  it('cuts along histogram bounds, so sparse ids still give balanced ranges', () => {
    expect(splitByBounds([1n, 10n, 1000n, 5000n], 3)).toEqual([
      { from: '1', to: '9' },
      { from: '10', to: '999' },
      { from: '1000', to: '5000' },
    ]);
    expect(splitByBounds([1n, 10n, 1000n, 9007199254740993n], 2)).toEqual([
      { from: '1', to: '999' },
      { from: '1000', to: '9007199254740993' },
    ]);
    const fine = splitByBounds([0n, 100n, 200n], 4);
    expect(fine.map((r) => `${r.from}-${r.to}`)).toEqual(['0-49', '50-99', '100-149', '150-200']);
    expect(splitByBounds([7n, 7n].slice(1), 3)).toEqual([{ from: '7', to: '7' }]);
  });
});

describe('extraction contract', () => {
  it('selects flags, never the personal values themselves', () => {
    const hs = listedContracts().find((c) => c.name === 'hoc_sinh')!;
    const sql = selectSql(hs);
    expect(sql).toContain('"ho_ten__legacy"');
    expect(hs.selectItems.some((i) => i === '"ho_ten"')).toBe(false);
    expect(hs.selectItems.some((i) => i === '"ma_hoc_sinh"')).toBe(true); // pseudonymised in DuckDB
    expect(hs.output.filter((c) => c.role === 'flag')).toHaveLength(4 * 15); // four flags for each of the 15 personal fields
    // the well-formed flags of the address and the two texts come from DuckDB, not the SELECT
    expect(hs.output.filter((c) => c.derived).map((c) => c.name)).toEqual(['dchi_thtru__well_formed', 'noi_sinh__well_formed', 'que_quan__well_formed']);
    expect(hs.selectItems).toHaveLength(hs.output.length - 3);
    expect(hs.sourceItems).toHaveLength(hs.output.length);
    expect(sql).not.toContain('"dchi_thtru__well_formed"');
    expect(selectSql(hs, undefined, true)).toContain('"dchi_thtru__well_formed"');
  });
  it('accepts widening type changes and refuses narrowing ones', () => {
    const col = (data_type: string, p: number | null = null, s: number | null = null) => ({ data_type, numeric_precision: p, numeric_scale: s });
    expect(isCompatible('bigint', col('integer'))).toBe(true);
    expect(isCompatible('integer', col('bigint'))).toBe(false);
    expect(isCompatible('text', col('character varying'))).toBe(true);
    expect(isCompatible('decimal(5,2)', col('numeric', 4, 1))).toBe(true);
    expect(isCompatible('decimal(5,2)', col('numeric', 7, 2))).toBe(false);
    expect(isCompatible('decimal(5,2)', col('numeric'))).toBe(false);
    expect(isCompatible('timestamptz', col('timestamp without time zone'))).toBe(false);
  });
  it('explains an empty source instead of listing every table', () => {
    const err = driftError(
      Array.from({ length: 11 }, (_, i) => ({ table: `t${i}`, expected: 'table', found: 'missing' })),
      11,
    );
    expect(err).toBeInstanceOf(SchemaDriftError);
    expect(err.message).toContain('csdl generate');
  });
});

describe('redactCsvError', () => {
  it('drops the original line and every quoted value, keeping the column and type', () => {
    const raw =
      'Conversion Error: CSV Error on Line: 3\nOriginal Line: 7,HS-SECRET\nError when converting column "id". Could not convert string "HS-SECRET" to \'BIGINT\'\n\nPossible solutions: ...';
    const out = redactCsvError(raw);
    expect(out).not.toContain('HS-SECRET');
    expect(out).toContain('column "id"');
    expect(out).toContain("'BIGINT'");
    expect(out).not.toContain('Possible solutions');
  });
});
