/**
 * Mojibake as older school software produces it: Vietnamese text typed in the legacy TCVN3 (ABC)
 * or VNI encodings and read back as Windows-1252 ('Trường' -> 'Tr­êng', 'Nguyễn' -> 'NguyÔn' /
 * 'Nguyeãn'), or written in VIQR ('Nguye^~n'). Used to inject `legacy_encoding` defects.
 */
export type LegacyEncoding = 'tcvn3' | 'vni' | 'viqr';

// tone order in the tables below: none, grave, hook, tilde, acute, dot below
const tones = ['', '\u0300', '\u0309', '\u0303', '\u0301', '\u0323'];
const vowels = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];
const tcvn3Rows = [
  'a\u00b5\u00b6\u00b7\u00b8\u00b9',
  '\u00a8\u00bb\u00bc\u00bd\u00be\u00c6',
  '\u00a9\u00c7\u00c8\u00c9\u00ca\u00cb',
  'e\u00cc\u00ce\u00cf\u00d0\u00d1',
  '\u00aa\u00d2\u00d3\u00d4\u00d5\u00d6',
  'i\u00d7\u00d8\u00dc\u00dd\u00de',
  'o\u00df\u00e1\u00e2\u00e3\u00e4',
  '\u00ab\u00e5\u00e6\u00e7\u00e8\u00e9',
  '\u00ac\u00ea\u00eb\u00ec\u00ed\u00ee',
  'u\u00ef\u00f1\u00f2\u00f3\u00f4',
  '\u00ad\u00f5\u00f6\u00f7\u00f8\u00f9',
  'y\u00fa\u00fb\u00fc\u00fd\u00fe',
];
const tcvn3 = new Map<string, string>([
  ['đ', '\u00ae'],
  ['Đ', '\u00a7'],
  ['Ă', '\u00a1'],
  ['Â', '\u00a2'],
  ['Ê', '\u00a3'],
  ['Ô', '\u00a4'],
  ['Ơ', '\u00a5'],
  ['Ư', '\u00a6'],
]);
vowels.forEach((v, i) => tones.forEach((t, j) => tcvn3.set((v + t).normalize('NFC'), tcvn3Rows[i][j])));

// VNI: base letter, then a modifier character for the vowel shape and one for the tone
const vniShape: Record<string, string> = { ă: 'a\u00ea', â: 'a\u00e2', ê: 'e\u00e2', ô: 'o\u00e2', ơ: '\u00f4', ư: '\u00f6' };
const vniTone = ['', '\u00f8', '\u00fb', '\u00f5', '\u00f9', '\u00ef'];
const vniToneBreve = ['', '\u00e8', '\u00fa', '\u00fc', '\u00e9', '\u00eb'];
const vniToneHat = ['', '\u00e0', '\u00e5', '\u00e3', '\u00e1', '\u00e4'];
const vniI = ['i', '\u00ec', '\u00e6', '\u00f3', '\u00ed', '\u00f2'];

const viqrShape: Record<string, string> = { ă: 'a(', â: 'a^', ê: 'e^', ô: 'o^', ơ: 'o+', ư: 'u+', đ: 'dd' };
const viqrTone = ['', '`', '?', '~', "'", '.'];

/** Splits a letter into its base (with shape, e.g. 'ê') and its tone index (0..5). */
function split(ch: string): { shaped: string; tone: number } {
  const d = ch.normalize('NFD');
  let tone = 0;
  let rest = '';
  for (const c of d) {
    const t = tones.indexOf(c);
    if (t > 0) tone = t;
    else rest += c;
  }
  return { shaped: rest.normalize('NFC'), tone };
}

function encodeChar(ch: string, encoding: LegacyEncoding): string {
  if (encoding === 'tcvn3') {
    const lower = ch.toLowerCase();
    return tcvn3.get(ch) ?? (lower !== ch && split(ch).tone > 0 ? (tcvn3.get(lower) ?? ch) : ch);
  }
  const upper = ch !== ch.toLowerCase();
  const { shaped, tone } = split(ch.toLowerCase());
  if (shaped === ch.toLowerCase() && tone === 0 && shaped !== 'đ' && !(shaped in viqrShape)) return ch;
  let out: string;
  if (encoding === 'viqr') {
    out = (viqrShape[shaped] ?? shaped) + viqrTone[tone];
  } else if (shaped === 'đ') {
    out = '\u00f1';
  } else if (shaped === 'i' && tone > 0) {
    out = vniI[tone];
  } else if (shaped === 'ă') {
    out = 'a' + (tone ? vniToneBreve[tone] : '\u00ea');
  } else if (shaped === 'â' || shaped === 'ê' || shaped === 'ô') {
    out = shaped.normalize('NFD')[0] + (tone ? vniToneHat[tone] : '\u00e2');
  } else {
    out = (vniShape[shaped] ?? shaped) + vniTone[tone];
  }
  return upper ? out[0].toUpperCase() + out.slice(1) : out;
}

/** Text as it looks when typed in a legacy encoding. */
export function toLegacy(text: string, encoding: LegacyEncoding): string {
  let out = '';
  for (const ch of text.normalize('NFC')) out += encodeChar(ch, encoding);
  return out;
}

/** Lower-case letters of Vietnamese in NFC (ASCII letters included, for minority names such as "Ksor"). */
const VIETNAMESE_LOWER = 'a-zđ' + vowels.flatMap((v) => tones.slice(1).map((t) => (v + t).normalize('NFC'))).join('') + 'ăâêôơư';
const VIETNAMESE_WORD = new RegExp(`^[${VIETNAMESE_LOWER}]*$`, 'u');

/**
 * Whether a text reads as ordinary Vietnamese: every word spelled with Vietnamese letters only, in
 * lower case or Title Case. Some legacy renderings do ("Thị" typed in VNI reads "Thò", "Hồng"
 * reads "Hoàng", "Vũ" in TCVN3 reads "Vò"): such a value is a different, valid-looking name, which
 * no check without a register of real names can tell from a correct one, so the generator does
 * not inject it as a legacy-encoding defect.
 *
 * @example readsAsVietnamese('Phan Thò Linh') // true
 * @example readsAsVietnamese('Vâ BÝch Loan') // false: "BÝch" is not Title Case
 */
export function readsAsVietnamese(text: string): boolean {
  if (text.normalize('NFC') !== text) return false;
  return text.split(' ').every((word) => {
    if (word === '') return false;
    const first = word[0];
    const rest = word.slice(1);
    return VIETNAMESE_WORD.test(first.toLowerCase()) && VIETNAMESE_WORD.test(rest) && rest === rest.toLowerCase();
  });
}
