// Vietnamese words of the indicator explorer: breakdown cells, unit levels, decimals per value
// kind, and the diacritic-free folding the unit search uses ("da nang" finds "Đà Nẵng").

const CELLS = {
  level: {
    preschool: 'Mầm non',
    primary: 'Tiểu học',
    lower_secondary: 'Trung học cơ sở',
    upper_secondary: 'Trung học phổ thông',
    continuing: 'Giáo dục thường xuyên',
  },
  sex: { female: 'Nữ', male: 'Nam' },
  minority: { yes: 'Dân tộc thiểu số', no: 'Không phải dân tộc thiểu số' },
  ownership: { public: 'Công lập', non_public: 'Ngoài công lập' },
  zone: { '01': 'Biên giới, hải đảo', '02': 'Đô thị', '03': 'Đồng bằng', '04': 'Miền núi, vùng sâu' },
  qualification: {
    doctorate: 'Tiến sĩ',
    master: 'Thạc sĩ',
    university_pedagogy: 'Đại học sư phạm',
    college_pedagogy: 'Cao đẳng sư phạm',
    secondary_pedagogy: 'Trung cấp sư phạm',
    other: 'Khác',
  },
};

/** The cells of a breakdown in the order the Ministry lists them (grades by number). */
export function sortCells(cells) {
  const place = (c) => {
    const [dim, value] = c.split('=');
    const known = Object.keys(CELLS[dim] ?? {});
    if (known.includes(value)) return known.indexOf(value);
    return /^\d+$/.test(value) ? Number(value) : 1000;
  };
  return [...cells].sort((a, b) => place(a) - place(b) || a.localeCompare(b));
}

/** 'sex=female' -> 'Nữ'; 'grade=6' -> 'Lớp 6'; 'total' -> 'Tổng số'. */
export function cellLabel(breakdown) {
  if (!breakdown || breakdown === 'total') return 'Tổng số';
  const [dim, value] = breakdown.split('=');
  if (dim === 'grade') return /^\d+$/.test(value) ? `Lớp ${value}` : `Khối ${value}`;
  return CELLS[dim]?.[value] ?? value ?? breakdown;
}

export const LEVELS = { nation: 'Toàn quốc', province: 'Tỉnh, thành phố', district: 'Quận, huyện', commune: 'Xã, phường', school: 'Trường' };

/** What the children of a unit are called. */
export function childrenWord(level, childLevel) {
  if (level === 'nation') return 'tỉnh, thành phố';
  if (childLevel === 'province') return 'tỉnh cũ (trước 01/07/2025)';
  if (childLevel === 'district') return 'quận, huyện';
  if (childLevel === 'commune') return 'xã, phường';
  return 'trường';
}

/** The caption of a unit's children: 'Các xã, phường trực thuộc'. */
export function childrenCaption(level, childLevel) {
  if (level !== 'nation' && childLevel === 'province') return 'Các tỉnh cũ hợp nhất vào tỉnh này (trước 01/07/2025)';
  return `Các ${childrenWord(level, childLevel)} trực thuộc`;
}

/** Decimals an indicator's values are shown with. */
export function digitsOf(entry) {
  if (!entry) return 1;
  if (entry.value_kind === 'count') return 0;
  if (entry.value_kind === 'gpia' || entry.unit === 'tỷ số') return 2;
  return 1;
}

/** The vega number format of those decimals. */
export function vegaFormat(digits) {
  return `,.${digits}f`;
}

/** Lower case, no diacritics, đ as d, single spaces. */
export function fold(s) {
  return String(s ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** A number for sorting: suppressed or missing values last. */
export function sortValue(v) {
  return typeof v === 'number' ? v : -Infinity;
}

/** Ranks of `rows` by value, highest first (ties share a rank); only units with a shown value are ranked. */
export function rankOf(rows, unitKey) {
  const ranked = rows.filter((r) => typeof r.value === 'number');
  const me = ranked.find((r) => r.unit_key === unitKey);
  if (!me) return { rank: null, of: ranked.length, total: rows.length };
  return { rank: 1 + ranked.filter((r) => r.value > me.value).length, of: ranked.length, total: rows.length };
}
