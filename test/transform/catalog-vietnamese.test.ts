/**
 * The indicator catalogue speaks Vietnamese: every definition, formula and note on method that
 * the API and the pages show is written in Vietnamese (field names, codes and the UIS symbols stay
 * as they are), read through the same loader the transform uses.
 */
import { describe, expect, it } from 'vitest';
import { loadIndicatorCatalog } from '../../pipelines/transform/indicator-catalog.ts';

const ENGLISH =
  /\b(the|of|and|over|per|learners?|schools?|teachers?|classes|share|divided|when|only|which|with|enrolled|records?|otherwise|counts? (in|as|once|twice))\b/i;
const VIETNAMESE = /[ăâđêôơưàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹ]/i;

describe('the indicator catalogue', () => {
  it('defines every indicator in Vietnamese', () => {
    const catalog = loadIndicatorCatalog();
    expect(catalog.length).toBeGreaterThan(30);
    for (const entry of catalog) {
      for (const field of ['definition', 'formula', 'method_note'] as const) {
        const text = entry[field];
        if (text === null) continue;
        expect({ code: entry.code, field, english: ENGLISH.exec(text)?.[0] ?? null }).toEqual({ code: entry.code, field, english: null });
        if (field !== 'formula' || !/^[\d\sx()+\-/<=,.A-Za-z]+$/.test(text)) expect(text, `${entry.code} ${field}`).toMatch(VIETNAMESE);
      }
    }
  });
});
