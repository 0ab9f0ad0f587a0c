import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { blockShift, changedSinceWhere, usableHorizon, type Horizon } from '../../pipelines/load/xmin-diff.ts';

const EPOCH = 1n << 32n;

/** The 64-bit id a raw 32-bit xmin stands for: the latest one below the snapshot's xmax. */
function widened(x: bigint, xmax: bigint): bigint {
  const epoch = xmax / EPOCH;
  const v = epoch * EPOCH + x;
  return v < xmax ? v : v - EPOCH;
}

describe('changedSinceWhere', () => {
  it('keeps exactly the 32-bit xmins whose widened id is at or above the horizon, across epoch wraps', async () => {
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const horizons: Horizon[] = [
      { previousXmin: 1000n, snapshotXmin: 1500n, snapshotXmax: 1510n },
      { previousXmin: 3n * EPOCH + 50n, snapshotXmin: 3n * EPOCH + 90n, snapshotXmax: 3n * EPOCH + 100n },
      // the previous run was in the epoch before, near its end
      { previousXmin: 3n * EPOCH - 96n, snapshotXmin: 3n * EPOCH + 90n, snapshotXmax: 3n * EPOCH + 100n },
      { previousXmin: 2n * EPOCH + 7n, snapshotXmin: 3n * EPOCH + 5n, snapshotXmax: 3n * EPOCH + 10n },
    ];
    const xs = [0n, 1n, 2n, 3n, 4n, 7n, 49n, 50n, 51n, 89n, 99n, 100n, 101n, 999n, 1000n, 1509n, 1510n, 2n ** 31n, EPOCH - 97n, EPOCH - 96n, EPOCH - 1n];
    for (const h of horizons) {
      const cond = changedSinceWhere(h);
      for (const x of xs) {
        const sql = `select (${cond.replaceAll('xmin::text::bigint', `${x}::bigint`)}) as v`;
        const got = (await duck.runAndReadAll(sql)).getRowObjects()[0].v;
        const expected = x >= 3n && widened(x, h.snapshotXmax) >= h.previousXmin;
        expect({ h: String(h.previousXmin), x: String(x), got }).toEqual({ h: String(h.previousXmin), x: String(x), got: expected });
      }
    }
    duck.closeSync();
  });

  it('is unusable without a recorded horizon or when the counter went back', () => {
    expect(usableHorizon(null, { xmin: '10', xmax: '12' })).toBeNull();
    expect(usableHorizon({ xmin: 20n, xmax: 25n }, { xmin: '10', xmax: '12' })).toBeNull();
    expect(usableHorizon({ xmin: 5n, xmax: 8n }, { xmin: '10', xmax: '12' })).toEqual({ previousXmin: 5n, snapshotXmin: 10n, snapshotXmax: 12n });
  });

  it('cuts id spans into at most about 4.096 blocks of at least 4.096 ids', () => {
    expect(blockShift(1n, 100n)).toBe(12);
    expect(blockShift(1n, 50_000_000n)).toBe(14);
    expect(50_000_000n >> 14n).toBeLessThanOrEqual(4096n);
  });
});
