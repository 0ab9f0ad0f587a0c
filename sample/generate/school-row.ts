/**
 * The school record (truong_hoc) per year: stable attributes (facility flags, national standard,
 * founding date, contacts, principal) and the year's units: old province, district and commune
 * in 2024; new province and commune, no district, from 2025.
 */
import type { Rng } from './prng.ts';
import { birthDay, isoDate } from './dates.ts';
import { bareName } from './units.ts';
import { landline, slug } from './names.ts';
import type { Row } from './columns.ts';
import type { SchoolPlan } from './school-plan.ts';

/** Stable attributes of a school. */
export type SchoolProfile = {
  flags: Record<string, number>;
  standard: string | null;
  founded: number;
  phone: string;
  email: string;
};

const flagRates: Array<[string, number, number]> = [
  ['dien_luoi', 0.995, 0.97],
  ['nguon_nuoc_sach', 0.96, 0.86],
  ['cong_trinh_ve_sinh', 0.985, 0.95],
  ['ct_gdvs_doi_tay', 0.92, 0.8],
  ['khai_thac_internet_day_hoc', 0.88, 0.68],
  ['su_dung_may_tinh_day_hoc', 0.83, 0.62],
  ['co_ha_tang_tlht_phu_hop_hskt', 0.42, 0.25],
];

/** Attributes that stay the same in both years (facilities may improve a little). */
export function schoolProfile(rng: Rng, plan: SchoolPlan): SchoolProfile {
  const remote = plan.zone === '04' || plan.zone === '01';
  const flags: Record<string, number> = {};
  for (const [name, normal, mountain] of flagRates) {
    const p = (remote ? mountain : normal) * (plan.grades[0] > 100 && name === 'su_dung_may_tinh_day_hoc' ? 0.7 : 1);
    flags[name] = rng.chance(p) ? 1 : 0;
  }
  const gdtx = plan.grades[0] >= 13 && plan.grades[0] <= 15;
  const standardRate = plan.ownership === '01' ? (remote ? 0.45 : 0.62) : 0.2;
  return {
    flags,
    standard: !gdtx && plan.group !== '19' && rng.chance(standardRate) ? (rng.chance(0.72) ? '02' : '03') : null,
    founded: plan.ownership === '01' ? birthDay(rng, rng.int(1955, 2012)) : birthDay(rng, rng.int(2003, 2020)),
    phone: landline(rng, plan.commune.province.code),
    email: `${slug(plan.name.replace(/^(Trường|Trung tâm|Nhóm trẻ)/, ''))}.${plan.code.slice(-4)}@${slug(bareName(plan.commune.province.name))}.edu.vn`,
  };
}

/** The next year's profile: a missing facility is sometimes added, the standard sometimes reached. */
export function improveProfile(rng: Rng, profile: SchoolProfile): SchoolProfile {
  const flags = { ...profile.flags };
  for (const k of Object.keys(flags)) if (flags[k] === 0 && rng.chance(0.15)) flags[k] = 1;
  return { ...profile, flags, standard: profile.standard ?? (rng.chance(0.03) ? '02' : null) };
}

/** Declared totals (null for a unit that did not report). */
export type Totals = { learners: number | null; classes: number | null; staff: number | null; sites: number; twoSessions: number };
/** The principal's personal fields on the school record. */
export type Principal = { name: string; phone: string; email: string | null };

/** The truong_hoc row of a school in `year`; timestamps are filled by the caller. */
export function schoolRow(id: number, plan: SchoolPlan, year: number, profile: SchoolProfile, totals: Totals, principal: Principal | null): Row {
  const old = year < 2025;
  const c = plan.commune;
  return {
    id,
    ma_truong_hoc: plan.code,
    nam_hoc: year,
    ten_truong_hoc: plan.name,
    cap_hoc: plan.group,
    ma_nhom_cap_hoc: plan.group,
    loai_hinh_dao_tao: plan.ownership,
    loai_hinh_truong: plan.schoolType,
    chuan_quoc_gia: profile.standard,
    ma_tinh: old ? c.province.code : plan.newProvince.code,
    ma_huyen: old ? c.district.code : null,
    ma_xa: old ? c.code : plan.newCommune.code,
    ma_khu_vuc: plan.zone,
    ma_vung_kho_khan: plan.hardship,
    ...profile.flags,
    hoc_2_buoi_ngay: totals.twoSessions,
    so_diem_truong: totals.sites,
    tong_so_hoc_sinh: totals.learners,
    tong_so_lop_hoc: totals.classes,
    tong_so_can_bo: totals.staff,
    ngay_thanh_lap: isoDate(profile.founded),
    trang_thai: '1',
    dia_chi: unitAddress(plan, year),
    dien_thoai: profile.phone,
    email: profile.email,
    hieu_truong: principal?.name ?? null,
    dien_thoai_hieu_truong: principal?.phone ?? null,
    email_hieu_truong: principal?.email ?? null,
  };
}

/** '<commune>, <district>, <province>' before 2025; '<new commune>, <new province>' from 2025. */
export function unitAddress(plan: SchoolPlan, year: number): string {
  const c = plan.commune;
  return year < 2025 ? `${c.name}, ${c.district.name}, ${c.province.name}` : `${plan.newCommune.name}, ${plan.newProvince.name}`;
}
