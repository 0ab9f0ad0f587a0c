import { describe, expect, it } from 'vitest';
import { blockShift, changedSinceWhere, usableHorizon, widen } from '../../pipelines/ingest/changes/xmin-diff.ts';

const EPOCH = 1n << 32n;

describe('transaction horizon arithmetic', () => {
  it('widens a 32-bit transaction id to the 64-bit one nearest the snapshot, across the wrap', () => {
    expect(widen(100n, 3n * EPOCH + 90n)).toBe(3n * EPOCH + 100n);
    expect(widen(EPOCH - 96n, 3n * EPOCH + 90n)).toBe(3n * EPOCH - 96n); // just before the wrap
    expect(widen(5n, 3n * EPOCH - 10n)).toBe(3n * EPOCH + 5n); // just after it
    expect(widen(1500n, 1510n)).toBe(1500n);
  });

  it('limits age(xmin) so that every worker reads every row written at or above the previous horizon', () => {
    // previous horizon just before a wrap; two workers whose next ids were read at 105 and 103 after it
    const previous = { xmin: 3n * EPOCH - 96n, xmax: 3n * EPOCH - 90n };
    const h = usableHorizon(previous, { xmin: String(3n * EPOCH + 90n), xmax: String(3n * EPOCH + 100n) }, [105n, 103n])!;
    expect(h.ageLimit).toBe(3n * EPOCH + 105n - (3n * EPOCH - 96n));
    expect(changedSinceWhere(h)).toBe(`age(xmin) <= ${h.ageLimit}`);
    for (const next of [3n * EPOCH + 105n, 3n * EPOCH + 103n]) {
      const age = (xid: bigint) => next - xid; // what age(xmin) gives in that worker
      expect(age(previous.xmin) <= h.ageLimit).toBe(true); // the oldest row that must be read
      expect(age(3n * EPOCH + 99n) <= h.ageLimit).toBe(true); // the newest visible row
      expect(age(previous.xmin - 10n) <= h.ageLimit).toBe(false); // finished before the horizon
    }
  });

  it('refuses a missing horizon, a counter that went back, and a horizon beyond age() range', () => {
    expect(usableHorizon(null, { xmin: '10', xmax: '12' }, [12n])).toBeNull();
    expect(usableHorizon({ xmin: 20n, xmax: 25n }, { xmin: '10', xmax: '12' }, [12n])).toBeNull();
    expect(usableHorizon({ xmin: 5n, xmax: 8n }, { xmin: String(3n * EPOCH), xmax: String(3n * EPOCH + 2n) }, [2n])).toBeNull();
    expect(usableHorizon({ xmin: 5n, xmax: 8n }, { xmin: '10', xmax: '12' }, [13n, 12n])).toEqual({
      previousXmin: 5n,
      snapshotXmin: 10n,
      snapshotXmax: 12n,
      ageLimit: 8n,
    });
  });

  it('cuts id spans into at most about 4.096 blocks of at least 4.096 ids', () => {
    expect(blockShift(1n, 100n)).toBe(12);
    expect(blockShift(1n, 50_000_000n)).toBe(14);
    expect(50_000_000n >> 14n).toBeLessThanOrEqual(4096n);
  });
});
