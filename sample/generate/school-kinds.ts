/**
 * Which schools a commune, a district and a province have: public preschool, primary and
 * lower-secondary schools in every commune (semi-boarding primary+lower schools in small
 * mountainous communes), private preschools and some private schools in towns; upper-secondary
 * schools and a continuing-education centre per district; a specialised upper-secondary school
 * and a provincial centre per province.
 */
import type { Rng } from './prng.ts';
import type { ProvinceProfile } from './provinces.ts';
import { bareName, type District } from './units.ts';
import type { CommuneInfo } from './plan.ts';
import { cohorts, GROUP_GRADES, type SchoolPlan } from './school-plan.ts';

/** A school before it gets its index and code. */
export type Placement = Omit<SchoolPlan, 'index' | 'code' | 'newProvince' | 'newCommune'>;
type Rates = { mn: number; th: number; thcs: number; thpt: number };

const brands =
  'Hoa Sen|Sao Mai|Họa Mi|Vàng Anh|Hoa Hồng|Ánh Dương|Bình Minh|Tuổi Thơ|Thiên Thần|Mặt Trời|Hướng Dương|Búp Sen Xanh|Hoa Mai|Sơn Ca|Tuổi Hồng|Ngôi Sao'
    .normalize('NFC')
    .split('|');
const founders = 'Nguyễn Bỉnh Khiêm|Lê Quý Đôn|Chu Văn An|Đinh Tiên Hoàng|Nguyễn Khuyến|Trần Quốc Tuấn|Lương Thế Vinh|Hermann Gmeiner|Việt Mỹ|Quang Trung'
  .normalize('NFC')
  .split('|');

function hardship(rng: Rng, zone: string): string | null {
  if (zone === '04') return rng.chance(0.55) ? '01' : null;
  if (zone === '01') return '02';
  return null;
}

function school(
  rng: Rng,
  info: CommuneInfo,
  profile: ProvinceProfile,
  group: string,
  ownership: string,
  schoolType: string,
  name: string,
  learners: number,
): Placement {
  const grades = GROUP_GRADES[group];
  return {
    name,
    group,
    schoolType,
    ownership,
    grades,
    cohort: cohorts(rng, grades, learners, group, ownership),
    zone: info.zone,
    hardship: hardship(rng, info.zone),
    commune: info.commune,
    profile,
    specialised: schoolType === '09',
    boarding: schoolType === '01',
  };
}

/** Splits `total` learners into `count` schools of uneven size. */
function split(rng: Rng, total: number, count: number): number[] {
  const w = Array.from({ length: count }, () => 0.7 + 0.6 * rng.next());
  const sum = w.reduce((s, x) => s + x, 0);
  return w.map((x) => Math.round((total * x) / sum));
}

/** Shares of primary and lower-secondary learners in private schools (placed per district). */
const privateShares = (info: CommuneInfo) => (info.zone === '02' ? { th: 0.05, thcs: 0.022 } : { th: 0.003, thcs: 0.002 });

const numbered = (name: string, i: number, n: number) => (n > 1 ? `${name} số ${i + 1}` : name);

/** Preschools, primary and lower-secondary schools of one commune. */
export function communeSchools(rng: Rng, info: CommuneInfo, profile: ProvinceProfile, rate: Rates): Placement[] {
  const urban = info.zone === '02';
  const place = bareName(info.commune.name);
  const out: Placement[] = [];
  const mn = info.population * rate.mn;
  const nPrivate = Math.round((mn * (urban ? 0.5 : 0.11)) / 140);
  const mnPrivate = nPrivate ? mn * (urban ? 0.5 : 0.11) : 0; // too few for a private school: all public
  const mnPublic = mn - mnPrivate;
  const nPublic = Math.max(1, Math.round(mnPublic / (urban ? 420 : 300)));
  split(rng, mnPublic, nPublic).forEach((n, i) => out.push(school(rng, info, profile, '01', '01', '13', numbered(`Trường Mầm non ${place}`, i, nPublic), n)));
  for (const n of split(rng, mnPrivate, nPrivate)) {
    const independent = n < 90 || rng.chance(0.3);
    const brand = rng.pick(brands);
    out.push(
      school(
        rng,
        info,
        profile,
        independent ? '19' : '01',
        rng.chance(0.85) ? '09' : '03',
        '13',
        independent ? `Nhóm trẻ độc lập ${brand} ${place}` : `Trường Mầm non tư thục ${brand} ${place}`,
        n,
      ),
    );
  }
  const th = info.population * rate.th;
  const thcs = info.population * rate.thcs;
  if (info.zone === '04' && th + thcs < 1100 && rng.chance(0.4)) {
    const boarding = rng.chance(0.7);
    out.push(school(rng, info, profile, '09', '01', boarding ? '01' : '07', `Trường ${boarding ? 'PTDTBT ' : ''}TH và THCS ${place}`, th + thcs));
    return out;
  }
  const share = privateShares(info);
  const nTh = Math.max(1, Math.round((th * (1 - share.th)) / (urban ? 900 : 560)));
  split(rng, th * (1 - share.th), nTh).forEach((n, i) =>
    out.push(school(rng, info, profile, '06', '01', '07', numbered(`Trường Tiểu học ${place}`, i, nTh), n)),
  );
  const nThcs = Math.max(1, Math.round((thcs * (1 - share.thcs)) / (urban ? 850 : 520)));
  split(rng, thcs * (1 - share.thcs), nThcs).forEach((n, i) =>
    out.push(school(rng, info, profile, '07', '01', '07', numbered(`Trường THCS ${place}`, i, nThcs), n)),
  );
  return out;
}

/**
 * Private primary and lower-secondary schools of the district, upper-secondary schools (public,
 * private, the odd multi-level private school) and the district's GDTX centre.
 */
export function districtSchools(rng: Rng, centre: CommuneInfo, communes: CommuneInfo[], profile: ProvinceProfile, rate: Rates, d: District): Placement[] {
  const population = communes.reduce((s, c) => s + c.population, 0);
  const urban = d.kind === 'Quận' || d.kind === 'Thành phố';
  const out: Placement[] = [];
  const towns = [centre, ...communes.filter((c) => c !== centre && c.zone === '02')];
  for (const [group, perCapita, word] of [
    ['06', rate.th, 'Tiểu học'],
    ['07', rate.thcs, 'THCS'],
  ] as const) {
    const learners = communes.reduce((s, c) => s + c.population * perCapita * privateShares(c)[group === '06' ? 'th' : 'thcs'], 0);
    const count = Math.round(learners / 550);
    for (const n of split(rng, learners, count)) {
      const host = towns[rng.int(0, towns.length - 1)];
      out.push(school(rng, host, profile, group, '09', '07', `Trường ${word} tư thục ${rng.pick(founders)} ${bareName(host.commune.name)}`, n));
    }
  }
  const thpt = population * rate.thpt;
  const privateShare = urban ? 0.33 : 0.06;
  const nPublic = Math.max(1, Math.round((thpt * (1 - privateShare)) / 1100));
  const place = bareName(d.name);
  const others = communes.filter((c) => c !== centre).sort((a, b) => b.population - a.population);
  split(rng, thpt * (1 - privateShare), nPublic).forEach((n, i) => {
    const host = i === 0 || others.length === 0 ? centre : others[rng.int(0, Math.min(others.length, 4) - 1)];
    out.push(school(rng, host, profile, '08', '01', '07', i === 0 ? `Trường THPT ${place}` : `Trường THPT ${bareName(host.commune.name)}`, n));
  });
  const nPrivate = Math.round((thpt * privateShare) / 650);
  for (const n of split(rng, thpt * privateShare, nPrivate)) {
    const multi = urban && rng.chance(0.25);
    const name = `Trường ${multi ? 'THCS và THPT' : 'THPT'} tư thục ${rng.pick(founders)}`;
    out.push(school(rng, centre, profile, multi ? '10' : '08', '09', '07', name, multi ? n * 2.3 : n));
  }
  out.push(school(rng, centre, profile, '13', '01', '15', `Trung tâm GDTX ${place}`, rng.int(120, 320)));
  return out;
}

/** The province's specialised upper-secondary school and its provincial GDTX centre. */
export function provinceSchools(rng: Rng, centre: CommuneInfo, profile: ProvinceProfile): Placement[] {
  const province = bareName(centre.commune.province.name);
  return [
    school(rng, centre, profile, '08', '01', '09', `Trường THPT chuyên ${province}`, rng.int(550, 900)),
    school(rng, centre, profile, '12', '01', '15', `Trung tâm GDTX tỉnh ${province}`, rng.int(250, 450)),
  ];
}
