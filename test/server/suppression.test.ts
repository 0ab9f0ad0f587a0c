/**
 * Small-cell suppression, with every expected cell worked out by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { suppressCount, suppressGroup, suppressIndicatorRows, suppressRatio } from '../../server/suppression.ts';

describe('suppressCount', () => {
  it('hides counts from 1 to 9 and shows zero, null and 10 or more as they are', () => {
    expect([0, 1, 9, 10, 11, 1234, null].map(suppressCount)).toEqual([0, '<10', '<10', 10, 11, 1234, null]);
  });
});

describe('suppressGroup', () => {
  it('hides the next smallest non-zero part when exactly one part is small', () => {
    // 3 is small -> '<10'; total 68 - 40 - 25 would reveal 3, so the next smallest (25) goes too
    expect(suppressGroup([3, 40, 25], 68)).toEqual({ parts: ['<10', 40, 'x'], total: 68 });
  });

  it('skips zero parts when choosing the secondary cell, since zero stays zero', () => {
    // parts 0, 5, 0, 30, 12 (total 47): 5 hidden; smallest non-zero visible part is 12, not 0
    expect(suppressGroup([0, 5, 0, 30, 12], 47)).toEqual({ parts: [0, '<10', 0, 30, 'x'], total: 47 });
  });

  it('adds nothing when two or more parts are already hidden', () => {
    // 2 and 7 hidden: 100 - 91 = 9 is the sum of two hidden cells, neither can be told
    expect(suppressGroup([2, 7, 91], 100)).toEqual({ parts: ['<10', '<10', 91], total: 100 });
  });

  it('hides the total when the only small part has no other part to pair with', () => {
    // 6 hidden, the other parts are zeros (shown): total 6 is itself small -> '<10'
    expect(suppressGroup([6, 0, 0], 6)).toEqual({ parts: ['<10', 0, 0], total: '<10' });
  });

  it('hides a large total that would reveal the only small part', () => {
    // parts 6 and 0 with total 16 (a part of 10 is not listed): 16 - 0 would not reveal 6 exactly,
    // but no visible part can pair with it, so the total is hidden ('x') rather than risk it
    expect(suppressGroup([6, 0], 16)).toEqual({ parts: ['<10', 0], total: 'x' });
  });

  it('leaves a group alone when nothing is small', () => {
    expect(suppressGroup([10, 0, 250], 260)).toEqual({ parts: [10, 0, 250], total: 260 });
  });

  it('needs no secondary cell when no total is published', () => {
    expect(suppressGroup([3, 40])).toEqual({ parts: ['<10', 40], total: undefined });
  });
});

describe('suppressRatio', () => {
  it('hides a ratio whose numerator or denominator is hidden', () => {
    expect(suppressRatio(0.5, '<10', 20)).toBe('x');
    expect(suppressRatio(0.5, 10, 'x')).toBe('x');
    expect(suppressRatio(0.5, 10, 20)).toBe(0.5);
    expect(suppressRatio(0, 0, 20)).toBe(0);
  });
});

describe('suppressIndicatorRows', () => {
  const row = (unit: string, indicator: string, numerator: number, denominator: number | null, value: number) => ({
    unit_code: unit,
    indicator,
    breakdown: 'total',
    numerator,
    denominator,
    value,
  });

  it('suppresses counts across sibling units with the parent as total, and the ratios built on them', () => {
    // learners (count): A 4, B 120, C 55, parent 179 -> A '<10', C (next smallest) 'x'
    // learners per class: A 4/1, B 120/5, C 55/2, parent 179/8
    //   numerators as above; denominators 1, 5, 2 all small -> '<10' (three hidden: no secondary)
    //   parent denominator 8 is small too -> '<10'; every ratio has a hidden part -> 'x'
    const children = [
      row('A', 'HS', 4, null, 4),
      row('B', 'HS', 120, null, 120),
      row('C', 'HS', 55, null, 55),
      row('A', 'HS_LOP', 4, 1, 4),
      row('B', 'HS_LOP', 120, 5, 24),
      row('C', 'HS_LOP', 55, 2, 27.5),
    ];
    const parents = [row('P', 'HS', 179, null, 179), row('P', 'HS_LOP', 179, 8, 22.375)];
    const out = suppressIndicatorRows(children, parents, new Set(['HS']));
    expect(out.children.map((r) => [r.unit_code, r.indicator, r.numerator, r.denominator, r.value, r.suppressed])).toEqual([
      ['A', 'HS', '<10', null, '<10', true],
      ['B', 'HS', 120, null, 120, false],
      ['C', 'HS', 'x', null, 'x', true],
      ['A', 'HS_LOP', '<10', '<10', 'x', true],
      ['B', 'HS_LOP', 120, '<10', 'x', true],
      ['C', 'HS_LOP', 'x', '<10', 'x', true],
    ]);
    expect(out.parents.map((r) => [r.indicator, r.numerator, r.denominator, r.value])).toEqual([
      ['HS', 179, null, 179],
      ['HS_LOP', 179, '<10', 'x'],
    ]);
  });

  it('keeps every figure when no cell is small', () => {
    // teachers qualified %: 45/50 = 90, 30/40 = 75, parent 75/90 = 83.33
    const out = suppressIndicatorRows([row('A', 'QT', 45, 50, 90), row('B', 'QT', 30, 40, 75)], [row('P', 'QT', 75, 90, 83.33)], new Set());
    expect(out.children.map((r) => r.value)).toEqual([90, 75]);
    expect(out.parents[0]).toMatchObject({ numerator: 75, denominator: 90, value: 83.33, suppressed: false });
  });
});

describe('suppressIndicatorRows across breakdowns', () => {
  it('protects a small sex cell both among siblings and within its own unit', () => {
    const r = (unit: string, breakdown: string, n: number) => ({ unit_code: unit, indicator: 'LRN', breakdown, numerator: n, denominator: null, value: n });
    // unit A: female 4, male 60, total 64; unit B: female 30, male 33, total 63; parent: 34, 93, 127
    // A female 4 -> '<10'. Its own sex group (4, 60 | 64): one hidden -> A male 60 'x'.
    // Siblings female (A 4, B 30 | 34): one hidden -> B female 30 'x'.
    // Siblings male (A 60 hidden, B 33 | 93): one hidden -> B male 33 'x'.
    // B's sex group (30 x, 33 x | 63): two hidden, done. Totals (64, 63 | 127) stay visible.
    const children = [
      r('A', 'sex=female', 4),
      r('A', 'sex=male', 60),
      r('A', 'total', 64),
      r('B', 'sex=female', 30),
      r('B', 'sex=male', 33),
      r('B', 'total', 63),
    ];
    const parents = [r('P', 'sex=female', 34), r('P', 'sex=male', 93), r('P', 'total', 127)];
    const out = suppressIndicatorRows(children, parents, new Set(['LRN']));
    expect(out.children.map((c) => c.numerator)).toEqual(['<10', 'x', 64, 'x', 'x', 63]);
    expect(out.parents.map((c) => c.numerator)).toEqual([34, 93, 127]);
  });
});
