import { describe, expect, it } from 'vitest';
import { Rng, Weighted } from '../../sample/generate/prng.ts';
import { toLegacy } from '../../sample/generate/encodings.ts';
import { copyLine, copyValue } from '../../sample/generate/columns.ts';
import { mapCommune, newProvinces } from '../../sample/generate/units.ts';
import { planSchools } from '../../sample/generate/plan.ts';
import { personName } from '../../sample/generate/names.ts';
import { MUTATORS } from '../../sample/generate/defect-mutators.ts';
import type { SchoolYear } from '../../sample/generate/school-year.ts';

describe('generator parts', () => {
  it('draws the same stream for the same seed and key, another for another key', () => {
    const a = Rng.derive(42, 7);
    const b = Rng.derive(42, 7);
    const c = Rng.derive(42, 8);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    const w = new Weighted([
      ['a', 1],
      ['b', 3],
    ] as const);
    const r = new Rng(1);
    const share = Array.from({ length: 10_000 }, () => w.draw(r)).filter((x) => x === 'b').length / 10_000;
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.78);
  });

  it('types Vietnamese the way TCVN3, VNI and VIQR software does', () => {
    expect(toLegacy('Trường', 'tcvn3')).toBe('Tr\u00adêng');
    expect(toLegacy('Nguyễn', 'tcvn3')).toBe('NguyÔn');
    expect(toLegacy('Nguyễn', 'vni')).toBe('Nguyeãn');
    expect(toLegacy('Nguyễn', 'viqr')).toBe('Nguye^~n');
    expect(toLegacy('Đặng', 'viqr')).toBe('Dda(.ng');
    expect(toLegacy('Lan', 'tcvn3')).toBe('Lan');
  });

  it('escapes COPY text: backslash, tab, newline and NULL', () => {
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyValue(12)).toBe('12');
    expect(copyLine(['x', 'y', 'z'], { x: 'Hà Nội', y: null })).toBe('Hà Nội\t\\N\t\\N\n');
  });

  it('maps an old commune to the same code, else the nearest code of the new province', () => {
    const daNang = newProvinces().get('48')!;
    expect(daNang.olds.map((o) => o.code)).toEqual(['48', '49']);
    const kept = daNang.communes[3];
    expect(mapCommune(daNang, kept.code)).toBe(kept);
    const codes = daNang.communes.map((c) => Number(c.code));
    const gone = String(codes[0] + 1).padStart(5, '0');
    if (!codes.includes(Number(gone))) expect(Number(mapCommune(daNang, gone).code)).toBe(codes[0]);
  });

  it('writes names in Unicode NFC', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const name = personName(rng, 1 + (i % 2), i % 3 ? '01' : '08');
      expect(name.normalize('NFC')).toBe(name);
      expect(name.split(' ').length).toBeGreaterThanOrEqual(3);
    }
  });

  it("plans the national preset near the Ministry's 2024-2025 volumes", () => {
    const plans = planSchools('national', 42);
    const learners = plans.reduce((s, p) => s + p.cohort.reduce((a, b) => a + b, 0), 0);
    expect(plans.length).toBeGreaterThan(42_000);
    expect(plans.length).toBeLessThan(58_000);
    expect(learners).toBeGreaterThan(21_500_000);
    expect(learners).toBeLessThan(25_500_000);
    expect(new Set(plans.map((p) => p.code)).size).toBe(plans.length);
    expect(new Set(plans.map((p) => p.newProvince.code)).size).toBe(34);
  });
});

describe('date defects on a 29 February birthday', () => {
  const mutator = (kind: string) => MUTATORS.find(([k]) => k === kind)![1];
  const isCalendarDay = (text: string) => {
    const [y, m, d] = text.slice(0, 10).split('-').map(Number);
    const date = new Date(Date.UTC(y, m - 1, d));
    return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  };

  it('moves the birth to a real day of the new year, so that an implausible age is not also an impossible date', () => {
    const sy = { year: 2024 } as SchoolYear;
    for (let seed = 0; seed < 200; seed++) {
      const row = { id: 1, ngay_sinh: '2016-02-29T00:00:00.0', khoi_hoc: 3 };
      mutator('implausible_age').apply(new Rng(seed), sy, { table: 'hoc_sinh', row });
      expect(isCalendarDay(String(row.ngay_sinh)), String(row.ngay_sinh)).toBe(true);
      expect(String(row.ngay_sinh)).toMatch(/^\d{4}-02-2[89]T/);
    }
  });

  it('writes a future birth date as a real day, impossible only because it is in the future', () => {
    const sy = { year: 2025 } as SchoolYear;
    for (let seed = 0; seed < 200; seed++) {
      const row = { id: 1, ngay_sinh: '2012-02-29T00:00:00.0', khoi_hoc: 8 };
      const change = mutator('impossible_date').apply(new Rng(seed), sy, { table: 'can_bo', row });
      expect(change?.field).toBe('ngay_sinh');
      expect(isCalendarDay(String(row.ngay_sinh)), String(row.ngay_sinh)).toBe(true);
    }
  });
});
