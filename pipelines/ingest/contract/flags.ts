/**
 * Quality flags of personal fields, computed by PostgreSQL inside the extraction SELECT so that
 * the values themselves never leave the source. Each personal column `c` becomes four columns:
 *
 *   c__present      boolean, never null: not null and not blank
 *   c__nfc          Unicode NFC (null when the value is null)
 *   c__legacy       typed in a legacy encoding: TCVN3 / VNI glyph soup or VIQR (null when null)
 *   c__well_formed  matches its kind's format (null when null); address/text: present and NFC
 *
 * The patterns are plain strings valid both as PostgreSQL ARE (matched with the case-sensitive
 * `~`) and as JavaScript RegExp (flag `u`), so the unit tests check the same text PostgreSQL runs.
 */
import { ident as quote, literal as sqlString } from '../../../lib/warehouse.ts';
import { loadReference } from '../../../lib/reference.ts';
import type { PersonalKind } from './tables.ts';

/** Latin-1 punctuation and symbols (U+0080–U+00BF): TCVN3 glyphs such as "­" in "Tr­êng", "µ" in "Hµ". */
const LATIN1_SYMBOLS = '[\\u0080-\\u00BF]';
/** Latin-1 letters Vietnamese never uses (Ö Ñ ø ...), typical of TCVN3 "ViÖt" and VNI "Tröôøng". */
const FOREIGN_LATIN1 =
  '[\\u00C4-\\u00C7\\u00CB\\u00CE-\\u00D1\\u00D6-\\u00D8\\u00DB\\u00DC\\u00DE\\u00DF\\u00E4-\\u00E7\\u00EB\\u00EE-\\u00F1\\u00F6-\\u00F8\\u00FB\\u00FC\\u00FE\\u00FF]';
/** An upper-case Vietnamese Latin-1 vowel right after a lower-case letter: TCVN3 "NguyÔn", "ChÝ". */
const UPPER_INSIDE_WORD = '[a-z\\u00E0-\\u00FF][\\u00C0-\\u00C3\\u00C8-\\u00CA\\u00CC\\u00CD\\u00D2-\\u00D5\\u00D9\\u00DA\\u00DD]';
/**
 * A TCVN3 lower-case glyph (an upper-case Latin-1 vowel) right after a word's capital and before a
 * lower-case letter: "BÝch", "TÝn", "YÕn". A correct name is Title Case ("Bích") or all capitals
 * ("BÍCH"), never a capital vowel between a capital and a small letter.
 */
const UPPER_AFTER_CAPITAL = '[A-Z][\\u00C0-\\u00C3\\u00C8-\\u00CA\\u00CC\\u00CD\\u00D2-\\u00D5\\u00D9\\u00DA\\u00DD][a-z\\u00E0-\\u00FF]';
/** VIQR: a vowel followed by a shape mark ^ ( + (and maybe a tone mark), inside or ending a word: "Nguye^~n". */
const VIQR_SHAPE = "[aeiouyAEIOUY][\\^(+][~'`?.]?([A-Za-z]|\\s|$)";
/** VIQR tone marks that ordinary text never puts after a vowel: "Ha` Noi", "Nguye~n". */
const VIQR_TONE = '[aeiouyAEIOUY][~`]';

/**
 * VNI read as Windows-1252: a plain vowel followed by the Latin-1 letter VNI uses as its shape or
 * tone mark ("Nguyeãn", "Tröôøng"), pairs that NFC Vietnamese never writes.
 */
const VNI_PAIRS =
  '[aeAE][\\u00E0-\\u00E3\\u00E8-\\u00EA\\u00EC\\u00ED\\u00F2-\\u00F5\\u00F9\\u00FA]|[oO][\\u00E2\\u00EA\\u00F4\\u00F5\\u00F9\\u00FA]|[uU][\\u00F5\\u00F9\\u00FA]|[yY][\\u00F5\\u00F9\\u00FA\\u00F2\\u00F3]|[iI][\\u00F5\\u00F9\\u00FA]';
/** VIQR tone marks . ? ' after a vowel and before a space, the end or a letter ("Nguye^n Va(n Ba.ch"): names only, where no punctuation belongs. */
const VIQR_NAME_TONE = "[aeiouyAEIOUY][.?'](\\s|$|[a-z])";

/** Text fields (addresses, free text): every legacy signature, VIQR included. */
export const LEGACY_TEXT_PATTERN = [LATIN1_SYMBOLS, FOREIGN_LATIN1, UPPER_INSIDE_WORD, UPPER_AFTER_CAPITAL, VNI_PAIRS, VIQR_SHAPE, VIQR_TONE].join('|');
/**
 * A TCVN3 two-letter syllable ending a word ("Dế" -> "DÕ") in a name that has small letters before
 * it: in a Title Case name only an all-capitals word could look like this, and names are not mixed.
 */
const UPPER_WORD_END_IN_TITLE_CASE = '[a-z\\u00E0-\\u00FF].*\\s[A-Z][\\u00C0-\\u00C3\\u00C8-\\u00CA\\u00CC\\u00CD\\u00D2-\\u00D5\\u00D9\\u00DA\\u00DD](\\s|$)';
/** Names: the text signatures plus VIQR's . ? ' tone marks and the Title Case signature above. */
export const LEGACY_NAME_PATTERN = [LEGACY_TEXT_PATTERN, VIQR_NAME_TONE, UPPER_WORD_END_IN_TITLE_CASE].join('|');
/**
 * A necessary condition of LEGACY_NAME_PATTERN (and so of LEGACY_TEXT_PATTERN), cheap enough for
 * PostgreSQL to run on every value first: every signature above other than VNI_PAIRS needs one
 * character of this class (U+0080–U+00DF, the foreign Latin-1 letters, or VIQR's ^ ( + ~ ` . ? '),
 * and VNI_PAIRS is kept whole. Vietnamese in NFC mostly writes neither (its Latin-1 letters are
 * small à–ý after a capital or another small letter), so the full pattern runs on few values
 * (about 1 % of the demo learners' names) and the extraction SELECT, the ETL's bottleneck, stays
 * cheap.
 */
export const LEGACY_PREFILTER_PATTERN = [
  "[\\u0080-\\u00DF\\u00E4-\\u00E7\\u00EB\\u00EE-\\u00F1\\u00F6-\\u00F8\\u00FB\\u00FC\\u00FE\\u00FF^(+~`.?']",
  VNI_PAIRS,
].join('|');
/** Formatted fields (phones, IDs, e-mails, dates): Latin-1 soup only, since "a+b@x.vn" is a valid e-mail. */
export const LEGACY_CODE_PATTERN = [LATIN1_SYMBOLS, FOREIGN_LATIN1, UPPER_INSIDE_WORD].join('|');

/** The unit types that open an administrative unit's name ("Xã Laêê" is the commune "Laêê"). */
const UNIT_TYPE_PREFIX = /^(Thành phố Trung ương|Thành phố|Tỉnh|Huyện|Quận|Thị xã|Thị trấn|Phường|Xã|Đặc khu) /u;

let officialNames: readonly string[] | undefined;

/**
 * Official names of administrative units, without their type, that the text pattern would flag.
 * The Ministry's own commune list spells La Êê (Nam Giang, Quảng Nam) "Xã Laêê", whose "aê" is
 * VNI's "ă": every address there looked legacy-encoded (about 1.000 learners and 4 schools on
 * `national`). Derived from the unit lists before and after 07/2025 in data/reference, on first use.
 */
export function officialNamesLikeLegacy(): readonly string[] {
  if (officialNames) return officialNames;
  const { units2020, units2025 } = loadReference();
  const re = new RegExp(LEGACY_TEXT_PATTERN, 'u');
  const names = [units2020.provinces, units2020.districts, units2020.communes, units2025.provinces, units2025.communes]
    .flat()
    .map((u) => u.ten.replace(UNIT_TYPE_PREFIX, ''))
    .filter((n) => re.test(n));
  officialNames = [...new Set(names)].sort();
  return officialNames;
}

/**
 * SQL (PostgreSQL and DuckDB alike) of the text `expr` with the official names above replaced by a
 * space, so that the legacy pattern judges only what the user typed around them.
 */
export function withoutOfficialNames(expr: string): string {
  return officialNamesLikeLegacy().reduce((e, name) => `replace(${e}, ${sqlString(name)}, ' ')`, expr);
}

/** Letters of Vietnamese and its neighbours: ASCII, Latin-1/Extended-A/B, combining marks, Latin Extended Additional. */
const LETTER = 'A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u024F\\u0300-\\u036F\\u1E00-\\u1EFF';

/** Format of each kind; address and text have none beyond "present and NFC". */
export const WELL_FORMED_PATTERNS: Readonly<Record<Exclude<PersonalKind, 'address' | 'text'>, string>> = {
  // Words of letters joined by one space, hyphen or apostrophe (Ê Đê names: "H'Hen Niê").
  name: `^[${LETTER}]+([ '\\-][${LETTER}]+)*$`,
  phone: '^0[0-9]{9}$',
  citizen_id: '^[0-9]{12}$',
  cmnd: '^[0-9]{9}([0-9]{3})?$',
  email: '^[A-Za-z0-9._%+\\-]+@[A-Za-z0-9\\-]+(\\.[A-Za-z0-9\\-]+)+$',
  date: '^[0-9]{4}-[0-9]{2}-[0-9]{2}',
};

/** The suffixes of a personal column's flag columns, in output order. */
export const FLAG_SUFFIXES = ['__present', '__nfc', '__legacy', '__well_formed'] as const;

/** Kinds whose values are codes written in ASCII (phones, IDs, e-mails, dates). */
const CODE_KINDS = new Set<PersonalKind>(['phone', 'citizen_id', 'cmnd', 'email', 'date']);

/** The legacy pattern that applies to a kind. */
export function legacyPattern(kind: PersonalKind): string {
  if (CODE_KINDS.has(kind)) return LEGACY_CODE_PATTERN;
  return kind === 'name' ? LEGACY_NAME_PATTERN : LEGACY_TEXT_PATTERN;
}

/**
 * The well-formed test in SQL, equal to WELL_FORMED_PATTERNS[kind] but cheaper where a byte length
 * does half the work (10 bytes of digits is exactly ^0[0-9]{9}$ once the digits are checked).
 */
function wellFormedSql(c: string, kind: PersonalKind, present: string, nfc: string): string {
  switch (kind) {
    case 'phone':
      return `(octet_length(${c}) = 10 and ${c} ~ '^0[0-9]+$')`;
    case 'citizen_id':
      return `(octet_length(${c}) = 12 and ${c} ~ '^[0-9]+$')`;
    case 'cmnd':
      return `(octet_length(${c}) in (9, 12) and ${c} ~ '^[0-9]+$')`;
    case 'address':
    case 'text':
      return `(${present} and ${nfc})`;
    default:
      return `(${c} ~ ${sqlString(WELL_FORMED_PATTERNS[kind])})`;
  }
}

/**
 * The flags DuckDB derives from a column's other flags instead of reading them from PostgreSQL, as
 * suffix -> DuckDB expression over the CSV's columns. An address's or a text's __well_formed is
 * "present and NFC": PostgreSQL would run its NFC test a second time for it, the dearest test of a
 * long text and a large share of the flags' cost. The
 * expression gives what the PostgreSQL item of flagSelectItems gives, NULL for a NULL value
 * included (its __nfc is NULL exactly then); test/ingest/flags.test.ts compares the two.
 */
export function derivedFlags(column: string, kind: PersonalKind): ReadonlyMap<string, string> {
  if (kind !== 'address' && kind !== 'text') return new Map();
  const present = quote(column + '__present');
  const nfc = quote(column + '__nfc');
  return new Map([['__well_formed', `(case when ${nfc} is null then null else ${present} and ${nfc} end)`]]);
}

/**
 * PostgreSQL expressions of a personal column's four flags, as `expr as "c__flag"` items. They
 * run on every row of a full load, so each takes the cheapest exact form: a blank test that only
 * trims when the value starts with a space, and for ASCII code values (where NFC holds and no
 * legacy glyph can occur) a byte/char length comparison instead of the Unicode checks.
 *
 * @example flagSelectItems('so_dien_thoai_me', 'phone')[3]
 *   // (octet_length("so_dien_thoai_me") = 10 and "so_dien_thoai_me" ~ '^0[0-9]+$') as "so_dien_thoai_me__well_formed"
 */
export function flagSelectItems(column: string, kind: PersonalKind): string[] {
  const c = quote(column);
  const nonBlank = `(${c} <> '' and (left(${c}, 1) <> ' ' or btrim(${c}) <> ''))`;
  const code = CODE_KINDS.has(kind);
  const nfc = code ? `(octet_length(${c}) = char_length(${c}) or ${c} is nfc normalized)` : `(${c} is nfc normalized)`;
  const pattern = sqlString(legacyPattern(kind));
  // names and text: the cheap necessary condition first (PostgreSQL evaluates `and` left to right
  // and stops at false); text kinds: the rare value that matches is judged again without the
  // official unit names in it
  const prefilter = `${c} ~ ${sqlString(LEGACY_PREFILTER_PATTERN)}`;
  const legacy = code
    ? `(octet_length(${c}) <> char_length(${c}) and ${c} ~ ${sqlString(LEGACY_CODE_PATTERN)})`
    : kind === 'name' || officialNamesLikeLegacy().length === 0
      ? `(${prefilter} and ${c} ~ ${pattern})`
      : `(${prefilter} and ${c} ~ ${pattern} and ${withoutOfficialNames(c)} ~ ${pattern})`;
  return [
    `coalesce(${nonBlank}, false) as ${quote(column + '__present')}`,
    `${nfc} as ${quote(column + '__nfc')}`,
    `${legacy} as ${quote(column + '__legacy')}`,
    `${wellFormedSql(c, kind, nonBlank, nfc)} as ${quote(column + '__well_formed')}`,
  ];
}
