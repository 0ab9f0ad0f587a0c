import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  derivedFlags,
  flagSelectItems,
  legacyPattern,
  LEGACY_CODE_PATTERN,
  LEGACY_NAME_PATTERN,
  LEGACY_PREFILTER_PATTERN,
  LEGACY_TEXT_PATTERN,
  officialNamesLikeLegacy,
  WELL_FORMED_PATTERNS,
  withoutOfficialNames,
} from '../../pipelines/ingest/contract/flags.ts';
import { re2 } from '../../pipelines/quality/rules-uniformity.ts';
import { readsAsVietnamese, toLegacy } from '../../sample/generate/encodings.ts';
import { personName } from '../../sample/generate/names.ts';
import { Rng } from '../../sample/generate/prng.ts';
import type { PersonalKind } from '../../pipelines/ingest/contract/tables.ts';
import { sourceClient } from './etl-support.ts';
import { startTestSource, type TestSource } from '../support/source.ts';

const legacy = ['Tr\u00ADêng Tiểu học', 'NguyÔn V¨n An', 'Nguye^~n Va(n Bi`nh', 'Hµ Néi', 'Tröôøng Tieåu hoïc', 'Ha` Noi', 'ViÖt Nam', 'Tru+o+`ng'];
const modern = [
  'Nguyễn Thị Hồng Nhung',
  'Trường Tiểu học Hòa Bình',
  'HOÀNG VĂN ÁNH',
  "H'Hen Niê",
  'Đặng Thuỳ Dương',
  'Số 12, đường Lê Lợi, P. Bến Nghé (cũ)',
  'Nguye\u0302\u0303n', // decomposed (NFD): not NFC, but not legacy either
  'an.nguyen+lop5@truong.edu.vn',
];

describe('legacy-encoding pattern', () => {
  const re = new RegExp(LEGACY_TEXT_PATTERN, 'u');
  it.each(legacy)('flags %s as legacy-encoded', (v) => expect(re.test(v)).toBe(true));
  it.each(modern.slice(0, 7))('does not flag %s', (v) => expect(re.test(v)).toBe(false));
  it.each(['Nguyeãn Vaên An', 'Tröông Thò Hoàng', "Lê Thi. Thu'y", 'Pha.m Va(n Nam'])('flags the VNI / VIQR name %s with the name pattern', (v) =>
    expect(new RegExp(LEGACY_NAME_PATTERN, 'u').test(v)).toBe(true),
  );
  it('finds every generated name typed in TCVN3, VNI or VIQR that does not read as another valid name, and flags no NFC name', () => {
    const rng = Rng.derive(7, 1);
    const re = new RegExp(LEGACY_NAME_PATTERN, 'u');
    const ethnic = ['01', '02', '03', '05', '06', '07', '08', '09', '10', '12', '13', '14', '26', '35'];
    const names = Array.from({ length: 20000 }, (_, i) => personName(rng, 1 + (i % 2), ethnic[i % ethnic.length]));
    expect(names.filter((n) => re.test(n))).toEqual([]);
    expect(names.filter((n) => !readsAsVietnamese(n))).toEqual([]);
    for (const enc of ['tcvn3', 'vni', 'viqr'] as const) {
      const injectable = names.map((n) => toLegacy(n, enc)).filter((v, i) => v !== names[i] && !readsAsVietnamese(v));
      expect(injectable.length, enc).toBeGreaterThan(10000);
      expect({ enc, missed: injectable.filter((v) => !re.test(v)).slice(0, 10) }).toEqual({ enc, missed: [] });
    }
  });
  it('flags the TCVN3 capital signatures "BÝch" and "Võ A DÕ" but not the same names in capitals', () => {
    const re = new RegExp(LEGACY_NAME_PATTERN, 'u');
    expect(['Vâ BÝch Loan', 'TÝn', 'Võ A DÕ'].map((v) => re.test(v))).toEqual([true, true, true]);
    expect(['VÕ BÍCH LOAN', 'LÊ VĂN TÍN', 'Võ A Dế', 'Bích'].map((v) => re.test(v))).toEqual([false, false, false, false]);
  });
  it('has a prefilter that every legacy value passes (PostgreSQL runs the full pattern only behind it)', () => {
    const pre = new RegExp(LEGACY_PREFILTER_PATTERN, 'u');
    const full = [new RegExp(LEGACY_NAME_PATTERN, 'u'), new RegExp(LEGACY_TEXT_PATTERN, 'u')];
    // every character a signature names, plus Vietnamese letters, spaces and ASCII punctuation
    const alphabet = [
      ...Array.from({ length: 0x180 - 0x20 }, (_, i) => String.fromCodePoint(0x20 + i)),
      ...'ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ\t',
    ];
    const rng = Rng.derive(11, 3);
    let legacyValues = 0;
    const missed: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const v = Array.from({ length: 1 + rng.int(0, 7) }, () => alphabet[rng.int(0, alphabet.length - 1)]).join('');
      if (!full.some((re) => re.test(v))) continue;
      legacyValues++;
      if (!pre.test(v)) missed.push(v);
    }
    expect(legacyValues).toBeGreaterThan(10_000);
    expect(missed.slice(0, 10)).toEqual([]);
    for (const v of [...legacy, 'Nguyeãn Vaên An', 'Tröông Thò Hoàng', "Lê Thi. Thu'y", 'Vâ BÝch Loan', 'Võ A DÕ']) expect(pre.test(v), v).toBe(true);
    // and it lets through few correct names: that is what makes it worth running first
    const names = Array.from({ length: 5000 }, (_, i) => personName(rng, 1 + (i % 2), '01'));
    expect(names.filter((n) => pre.test(n)).length).toBeLessThan(names.length * 0.1);
  });
  it('does not flag a valid e-mail with a plus sign among code-like fields', () => {
    expect(new RegExp(LEGACY_CODE_PATTERN, 'u').test('an.nguyen+lop5@truong.edu.vn')).toBe(false);
  });
});

describe('official unit names that look legacy-encoded', () => {
  const laee = 'Bản 1, Xã Laêê, Huyện Nam Giang, Tỉnh Quảng Nam';
  const tcvn3 = 'B¶n 1, Xã Laêê, Huyện Nam Giang, Tỉnh Quảng Nam';
  it('are found in the reference unit lists: the Ministry spells La Êê "Laêê", which holds VNI\'s "aê"', () => {
    expect(officialNamesLikeLegacy()).toEqual(['Laêê']);
    expect(new RegExp(LEGACY_TEXT_PATTERN, 'u').test(laee)).toBe(true);
  });
  it('are taken out before text is judged, in JavaScript and in DuckDB, while a legacy glyph elsewhere still counts', async () => {
    const re = new RegExp(LEGACY_TEXT_PATTERN, 'u');
    const stripped = (v: string) => officialNamesLikeLegacy().reduce((t, name) => t.split(name).join(' '), v);
    expect([laee, tcvn3, 'Trường Tiểu học Laêê'].map((v) => re.test(stripped(v)))).toEqual([false, true, false]);
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    const p = re2(LEGACY_TEXT_PATTERN);
    const reader = await duck.runAndReadAll(
      `select regexp_matches(v, '${p}') and regexp_matches(${withoutOfficialNames('v')}, '${p}') as legacy
       from (values (1, '${laee}'), (2, '${tcvn3}'), (3, 'Trường Tiểu học Laêê'), (4, null)) as t(i, v) order by i`,
    );
    expect(reader.getRowObjectsJson().map((r) => r.legacy)).toEqual([false, true, false, null]);
    duck.closeSync();
  });
});

describe('well-formed patterns', () => {
  const ok = (kind: keyof typeof WELL_FORMED_PATTERNS, v: string) => new RegExp(WELL_FORMED_PATTERNS[kind], 'u').test(v);
  it('accepts Vietnamese names with spaces, hyphens and Ê Đê apostrophes, and rejects digits or double spaces', () => {
    expect(['Nguyễn Thị Hồng Nhung', "H'Hen Niê", 'Lê-Anh Tú'].map((v) => ok('name', v))).toEqual([true, true, true]);
    expect(['Nguyễn  An', 'An1', ' An', 'Tr\u00ADêng'].map((v) => ok('name', v))).toEqual([false, false, false, false]);
  });
  it('checks phones, citizen IDs, old ID cards, e-mails and dates by their format', () => {
    expect([ok('phone', '0912345678'), ok('phone', '+84912345678'), ok('phone', '091234567')]).toEqual([true, false, false]);
    expect([ok('citizen_id', '079123456789'), ok('citizen_id', '07912345678')]).toEqual([true, false]);
    expect([ok('cmnd', '123456789'), ok('cmnd', '123456789012'), ok('cmnd', '1234567890')]).toEqual([true, true, false]);
    expect([ok('email', 'a.b@x.edu.vn'), ok('email', 'a@b')]).toEqual([true, false]);
    expect([ok('date', '2012-01-09T00:00:00.0'), ok('date', '09/01/2012')]).toEqual([true, false]);
  });
});

describe('flag expressions in PostgreSQL', { tags: ['slow'] }, () => {
  let src: TestSource;
  let db: pg.Client;
  beforeAll(async () => {
    src = await startTestSource({ schema: false });
    db = await sourceClient(src.url);
  });
  afterAll(async () => {
    await db?.end();
    await src?.close();
  });

  async function flags(kind: PersonalKind, values: Array<string | null>): Promise<Array<[boolean, boolean | null, boolean | null, boolean | null]>> {
    const list = values.map((_, i) => `($${i + 1}::text, ${i})`).join(', ');
    const { rows } = await db.query(`select ${flagSelectItems('c', kind).join(', ')} from (values ${list}) as t(c, i) order by i`, values);
    return rows.map((r) => [r.c__present, r.c__nfc, r.c__legacy, r.c__well_formed]);
  }

  it('computes the same legacy verdicts as the pattern does in JavaScript', async () => {
    const got = await flags('name', [...legacy, ...modern.slice(0, 7)]);
    expect(got.map((f) => f[2])).toEqual([...legacy.map(() => true), ...modern.slice(0, 7).map(() => false)]);
  });

  it('gives present/NFC/legacy/well-formed for names, with NULL flags for a NULL value', async () => {
    expect(await flags('name', ['Nguyễn Thị Hồng Nhung', 'Nguye\u0302\u0303n', '   ', null])).toEqual([
      [true, true, false, true],
      [true, false, false, true],
      [false, true, false, false],
      [false, null, null, null],
    ]);
  });

  it('treats an address as well formed when present and NFC', async () => {
    expect(await flags('address', ['Số 7, Ngõ 3', 'Nguye\u0302\u0303n', ''])).toEqual([
      [true, true, false, true],
      [true, false, false, false],
      [false, true, false, false],
    ]);
  });

  it('agrees with the documented patterns for every kind, on well-formed and malformed values', async () => {
    const samples = [
      '0912345678',
      '091234567',
      '09123456789',
      '+84912345678',
      '079123456789',
      '123456789',
      '1234567890',
      '123456789012',
      'a.b@x.edu.vn',
      'a@b',
      'an+1@truong.vn',
      '2012-01-09T00:00:00.0',
      '2012-1-9',
      '09/01/2012',
      'Nguyễn Thị Hồng',
      "H'Hen Niê",
      'An  Bình',
      '０９１２３４５６７８',
      'Hµ Néi',
      '',
      ' ',
      'Tröôøng',
    ];
    for (const kind of Object.keys(WELL_FORMED_PATTERNS) as Array<keyof typeof WELL_FORMED_PATTERNS>) {
      const re = new RegExp(WELL_FORMED_PATTERNS[kind], 'u');
      const legacyRe = new RegExp(legacyPattern(kind), 'u');
      const got = await flags(kind, samples);
      expect(
        got.map((f) => f[3]),
        `${kind} well-formed`,
      ).toEqual(samples.map((v) => re.test(v)));
      expect(
        got.map((f) => f[2]),
        `${kind} legacy`,
      ).toEqual(samples.map((v) => legacyRe.test(v)));
      expect(
        got.map((f) => f[1]),
        `${kind} NFC`,
      ).toEqual(samples.map((v) => v === v.normalize('NFC')));
      expect(
        got.map((f) => f[0]),
        `${kind} present`,
      ).toEqual(samples.map((v) => v.trim() !== ''));
    }
  });

  it('does not flag an address or free text for an official unit name, but still flags a person named so', async () => {
    const values = ['Bản 1, Xã Laêê, Huyện Nam Giang, Tỉnh Quảng Nam', 'B¶n 1, Xã Laêê, Huyện Nam Giang', null];
    expect((await flags('address', values)).map((f) => f[2])).toEqual([false, true, null]);
    expect((await flags('text', values)).map((f) => f[2])).toEqual([false, true, null]);
    expect((await flags('name', ['Laêê'])).map((f) => f[2])).toEqual([true]);
  });

  it('derives in DuckDB, from the flags PostgreSQL sends, the same address and text flags PostgreSQL would compute', async () => {
    const values = ['Số 7, Ngõ 3', 'Nguye\u0302\u0303n', '', '   ', ' x', null, 'Hµ Néi', 'Bản 1, Xã Laêê'];
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    try {
      for (const kind of ['address', 'text', 'name', 'phone'] as const) {
        const pgFlags = await flags(kind, values);
        const derived = derivedFlags('c', kind);
        expect([...derived.keys()], kind).toEqual(kind === 'address' || kind === 'text' ? ['__well_formed'] : []);
        if (derived.size === 0) continue;
        const sqlBool = (b: boolean | null) => (b === null ? 'null::boolean' : String(b));
        const rows = pgFlags.map((f, i) => `(${i}, ${sqlBool(f[0])}, ${sqlBool(f[1])})`).join(', ');
        const reader = await duck.runAndReadAll(`select ${derived.get('__well_formed')} as wf from (values ${rows}) as t(i, c__present, c__nfc) order by i`);
        expect(
          reader.getRowObjectsJson().map((r) => r.wf),
          kind,
        ).toEqual(pgFlags.map((f) => f[3]));
      }
    } finally {
      duck.closeSync();
    }
  });

  it('checks phone and citizen ID formats in PostgreSQL', async () => {
    expect((await flags('phone', ['0912345678', '84912345678'])).map((f) => f[3])).toEqual([true, false]);
    expect((await flags('citizen_id', ['079123456789', '79123456789'])).map((f) => f[3])).toEqual([true, false]);
  });
});
