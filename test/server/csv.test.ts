import { describe, expect, it } from 'vitest';
import { csvField, toCsv } from '../../server/output/csv.ts';

describe('csv', () => {
  it('quotes fields with commas, quotes, line breaks or edge spaces, and leaves nulls empty', () => {
    expect([csvField('a,b'), csvField('say "hi"'), csvField('x\ny'), csvField(' pad'), csvField(null), csvField(1234.5), csvField('Hà Nội')]).toEqual([
      '"a,b"',
      '"say ""hi"""',
      '"x\ny"',
      '" pad"',
      '',
      '1234.5',
      'Hà Nội',
    ]);
  });

  it('starts with a UTF-8 BOM and ends lines with CRLF', () => {
    expect(toCsv(['ma', 'ten'], [{ ma: '01', ten: 'Hà Nội, "thủ đô"' }])).toBe('\uFEFFma,ten\r\n01,"Hà Nội, ""thủ đô"""\r\n');
  });
});
