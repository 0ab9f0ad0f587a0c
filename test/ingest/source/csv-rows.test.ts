import { describe, expect, it } from 'vitest';
import { CsvRowCutter } from '../../../pipelines/ingest/source/csv-rows.ts';

/** PostgreSQL-style CSV: quoted when a field holds a comma, quote, newline, or is empty; quotes doubled. */
function csvRow(fields: string[]): string {
  return fields.map((f) => (f === '' || /[",\n\r]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',') + '\n';
}

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

const awkward = ['', 'plain', 'a,b', 'say "hi"', 'two\nlines', '"', '""', '\n', 'Nguyễn Thị Hồng', ' space ', '\r\n', ',', 'x"\n"y'];

describe('CsvRowCutter', () => {
  it('hands back whole rows only, in order, however the stream is cut', () => {
    const random = rng(7);
    const rows = Array.from({ length: 400 }, (_, i) => csvRow([String(i), ...Array.from({ length: 4 }, () => awkward[Math.floor(random() * awkward.length)])]));
    const text = Buffer.from(rows.join(''), 'utf8');
    for (let trial = 0; trial < 200; trial++) {
      const cutter = new CsvRowCutter();
      const out: Buffer[] = [];
      const ends: number[] = [];
      let at = 0;
      while (at < text.length) {
        const size = 1 + Math.floor(random() * (trial % 2 ? 9 : 700));
        const parts = cutter.push(text.subarray(at, at + size));
        out.push(...parts);
        if (parts.length) ends.push(out.reduce((n, b) => n + b.length, 0));
        at += size;
      }
      expect(cutter.pending).toBe(0);
      expect(cutter.rows).toBe(rows.length);
      expect(Buffer.concat(out).equals(text)).toBe(true);
      // every batch handed back ends exactly at a row end
      const rowEnds = new Set<number>();
      rows.reduce((n, r) => {
        const end = n + Buffer.byteLength(r);
        rowEnds.add(end);
        return end;
      }, 0);
      for (const e of ends) expect(rowEnds.has(e), `batch ending at byte ${e}`).toBe(true);
    }
  });

  it('keeps a row longer than a chunk until its end arrives, and reports what is left', () => {
    const cutter = new CsvRowCutter();
    expect(cutter.push(Buffer.from('1,"a long\n'))).toEqual([]);
    expect(cutter.push(Buffer.from('value"'))).toEqual([]);
    expect(cutter.pending).toBe(16);
    expect(Buffer.concat(cutter.push(Buffer.from('\n2,b\n3,'))).toString()).toBe('1,"a long\nvalue"\n2,b\n');
    expect(cutter.pending).toBe(2);
    expect(cutter.rows).toBe(2);
  });
});
