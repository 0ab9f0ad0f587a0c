/**
 * Synthetic Vietnamese personal data: full names with diacritics (Unicode NFC), by ethnic group,
 * phone numbers, citizen ID numbers and e-mail addresses. Nothing here is a real person.
 */
import { Weighted, type Rng } from './prng.ts';

const nfc = (text: string) => text.normalize('NFC').split(' ');

const kinhFamilies = new Weighted(
  (
    'Nguyễn 38,Trần 11,Lê 9.5,Phạm 7,Hoàng 3,Huỳnh 2,Phan 4.5,Vũ 2.5,Võ 1.5,Đặng 2,Bùi 2,Đỗ 1.4,Hồ 1.3,Ngô 1.3,' +
    'Dương 1,Lý 0.5,Đinh 0.8,Trương 0.8,Đoàn 0.5,Lâm 0.4,Mai 0.4,Trịnh 0.4,Cao 0.3,Lương 0.3,Tạ 0.2,Hà 0.4'
  )
    .normalize('NFC')
    .split(',')
    .map((e) => [e.split(' ')[0], Number(e.split(' ')[1])] as const),
);

/** Family names typical of some ethnic groups (DM_DAN_TOC code -> names). */
const minorityFamilies: Record<string, string[]> = {
  '02': nfc('Hoàng Nông Lục Hà Ma Triệu Đàm Lương'),
  '03': nfc('Lò Lường Tòng Quàng Cà Điêu Lù Vì'),
  '05': nfc('Thạch Sơn Kim Danh Lâm Châu Trà'),
  '06': nfc('Bùi Đinh Quách Xa Hà Bạch'),
  '07': nfc('Hoàng Nông Lăng Vi Mông Chu'),
  '08': nfc('Giàng Vàng Sùng Thào Mùa Hầu Lầu Lý Vừ'),
  '09': nfc('Tẩn Chảo Phàn Lý Triệu Bàn Đặng'),
  '10': nfc('Rơ Châm Siu Ksor Rah Lan Kpă'),
  '12': nfc('Niê Êban Mlô Byă Ayun Knul'),
  '13': nfc('Đinh A Y Rơ'),
  '14': nfc('A Y Đinh'),
  '26': nfc('Alăng Bhling Zơrâm Briu Hiên Ating'),
  '35': nfc('Lò Chu Pờ Phu Ly'),
};

const maleMiddle = nfc('Văn Văn Văn Đức Minh Quang Hữu Công Thành Gia Anh Hoàng Tuấn Bảo Đình Quốc Trọng Xuân');
const femaleMiddle = nfc('Thị Thị Thị Ngọc Thu Thanh Minh Khánh Bảo Phương Diệu Mai Hoài Thùy Kim Hồng Bích');
const maleGiven = nfc(
  'Anh Hùng Dũng Nam Minh Quân Huy Khoa Long Phúc Bảo Khang Đức Thắng Tuấn Hiếu Kiên Lâm Phong Sơn Tài Trung Vinh Việt ' +
    'Thịnh Hải Hoàng Duy Đạt Khôi Nhân Tín Trí An Lộc Cường Hưng Toàn Tùng Khải Quang Nghĩa Thành Hiển Đăng Khánh Tú',
);
const femaleGiven = nfc(
  'Linh Hương Lan Mai Ngọc Trang Thảo Hà Hoa Huyền Nhung Yến Vy Anh Chi Hạnh Ngân Nhi Quỳnh Trâm Uyên Vân Diệp Giang ' +
    'Hằng Khánh My Oanh Phương Thư Tuyết Xuân Ánh Châu Đào Hiền Loan Mỹ Nga Thủy Hồng Thương Nhàn Duyên Hậu Liên',
);
const hmongGiven = nfc('Páo Sử Chư Dế Tủa Chứ Pó Dình Lử Sình Mỷ Dua');

/** A family name typical of an ethnic group. */
export function familyName(rng: Rng, ethnic: string): string {
  const minority = minorityFamilies[ethnic];
  return minority && rng.chance(0.85) ? rng.pick(minority) : kinhFamilies.draw(rng);
}

/** A full name for a person of the given sex (1 male, 2 female) and ethnic group. */
export function personName(rng: Rng, sex: number, ethnic: string, family = familyName(rng, ethnic)): string {
  if (ethnic === '08' && rng.chance(0.6)) {
    return `${family} ${sex === 1 ? 'A' : 'Thị'} ${rng.pick(hmongGiven)}`;
  }
  const middle = sex === 1 ? rng.pick(maleMiddle) : rng.pick(femaleMiddle);
  const given = sex === 1 ? rng.pick(maleGiven) : rng.pick(femaleGiven);
  return rng.chance(0.12) ? `${family} ${middle} ${rng.pick(sex === 1 ? maleMiddle : femaleMiddle)} ${given}` : `${family} ${middle} ${given}`;
}

const mobilePrefixes = [
  '032',
  '033',
  '034',
  '035',
  '036',
  '037',
  '038',
  '039',
  '056',
  '058',
  '070',
  '076',
  '077',
  '078',
  '079',
  '081',
  '082',
  '083',
  '084',
  '085',
  '086',
  '088',
  '089',
  '090',
  '091',
  '093',
  '094',
  '096',
  '097',
  '098',
];

/** A mobile number as the CSDL expects it: '0' and 9 digits. */
export function mobilePhone(rng: Rng): string {
  return rng.pick(mobilePrefixes) + String(rng.int(0, 9_999_999)).padStart(7, '0');
}

/** A landline number: '02' + area code + 7 digits (11 digits). */
export function landline(rng: Rng, area: string): string {
  return '02' + area.padStart(2, '0').slice(-2) + String(rng.int(0, 9_999_999)).padStart(7, '0');
}

/**
 * The first 6 digits of a citizen ID (CCCD): birth province (3), century and sex (1), birth year (2).
 */
export function citizenPrefix(province: string, sex: number, birthYear: number): string {
  const centurySex = (birthYear >= 2000 ? 2 : 0) + (sex === 2 ? 1 : 0);
  return '0' + province + centurySex + String(birthYear % 100).padStart(2, '0');
}

/**
 * A citizen ID: the prefix and 6 digits scrambled from a serial number, so that distinct serials
 * under one prefix never collide (7919 is coprime to 10^6).
 */
export function citizenId(prefix: string, serial: number): string {
  return prefix + String((serial * 7919 + 104_729) % 1_000_000).padStart(6, '0');
}

/** An old identity-card number (CMND, 9 digits). */
export function oldIdCard(rng: Rng): string {
  return String(rng.int(10_000_000, 389_999_999)).padStart(9, '0');
}

/** ASCII slug of Vietnamese text: 'Hòa Khánh' -> 'hoakhanh'. */
export function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** A personal e-mail address derived from a name. */
export function personalEmail(rng: Rng, name: string): string {
  const parts = name.split(' ');
  return `${slug(parts[parts.length - 1])}${slug(parts[0])}${rng.int(1, 9999)}@${rng.pick(['gmail.com', 'gmail.com', 'gmail.com', 'yahoo.com', 'outlook.com'])}`;
}

const villageWords = nfc('Thôn Thôn Tổ Xóm Ấp');
const mountainWords = nfc('Bản Bản Bản Thôn');

/** A street-level address part: 'Tổ 3', 'Bản Nà 2', 'Số 12 đường ...'. */
export function addressLine(rng: Rng, urban: boolean, mountain: boolean): string {
  if (urban) return `Số ${rng.int(1, 300)}, Tổ ${rng.int(1, 40)}`;
  return `${rng.pick(mountain ? mountainWords : villageWords)} ${rng.int(1, 15)}`;
}
