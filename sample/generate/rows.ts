/**
 * Turns a school-year's classes, enrolments, sites and rooms into table rows (lop_hoc, hoc_sinh,
 * hoc_sinh_trang_thai, diem_truong, phong_hoc) with their timestamps: start-of-year records
 * created inside the school's ĐN window, end-of-year changes in May-June, status changes when
 * they happened.
 */
import { Weighted, type Rng } from './prng.ts';
import { isoDate, officeTime, pushedDate, randomDay, timestamp } from './dates.ts';
import { khoiOf, levelOf } from './levels.ts';
import { unitAddress } from './school-row.ts';
import type { Context } from './context.ts';
import type { Row } from './columns.ts';
import type { Enrolment } from './enrolment.ts';
import type { SchoolClass } from './classes.ts';
import type { Room, Site } from './rooms.ts';
import type { SchoolPlan } from './school-plan.ts';

/** When a school entered its data in a year (day numbers). */
export type Timing = { dnFrom: number; dnTo: number; cnFrom: number; cnTo: number };

/** A created_at inside the ĐN window. */
export function dnStamp(rng: Rng, t: Timing): number {
  return officeTime(rng, randomDay(rng, t.dnFrom, t.dnTo));
}
/** An updated_at inside the CN window. */
export function cnStamp(rng: Rng, t: Timing): number {
  return officeTime(rng, randomDay(rng, t.cnFrom, t.cnTo));
}

const sessions: Record<string, Weighted<string>> = {
  mn: new Weighted([['06', 1]]),
  th: new Weighted([
    ['06', 88],
    ['05', 7],
    ['01', 5],
  ]),
  thcs: new Weighted([
    ['01', 40],
    ['02', 25],
    ['03', 15],
    ['06', 20],
  ]),
  thpt: new Weighted([
    ['01', 50],
    ['02', 35],
    ['06', 15],
  ]),
  gdtx: new Weighted([['01', 1]]),
};

/** lop_hoc rows; `homeroom` gives each class's homeroom teacher codes at start and end. */
export function classRows(
  rng: Rng,
  ctx: Context,
  plan: SchoolPlan,
  year: number,
  classes: SchoolClass[],
  homeroom: (i: number) => [string | null, string | null],
  t: Timing,
): Row[] {
  const schoolSessions = new Map<string, string>();
  return classes.map((c, i) => {
    const level = levelOf(c.grade);
    if (!schoolSessions.has(level)) schoolSessions.set(level, sessions[level].draw(rng));
    const session = rng.chance(0.9) ? schoolSessions.get(level)! : sessions[level].draw(rng);
    const preschool = c.grade > 100;
    const boarding = preschool ? rng.chance(0.95) : plan.boarding || (level === 'th' && session === '06' && plan.zone === '02' && rng.chance(0.5));
    const counts = new Map<number, number>();
    for (const e of c.members) counts.set(e.grade, (counts.get(e.grade) ?? 0) + 1);
    const dominant = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? c.grade;
    const [dn, cn] = homeroom(i);
    const created = dnStamp(rng, t);
    return {
      id: ctx.nextId('lop_hoc'),
      ma_lop_hoc: c.code,
      ma_truong_hoc: plan.code,
      nam_hoc: year,
      ten_lop_hoc: c.name,
      khoi_hoc: khoiOf(c.grade),
      ma_diem_truong: c.site,
      ma_gvcn_dn: dn,
      ma_gvcn_cn: cn,
      lop_ghep: c.mergedGroup ? 1 : 0,
      ma_lop_ghep: c.mergedGroup,
      lop_chuyen: plan.specialised ? 1 : 0,
      ma_he_chuyen: plan.specialised ? String(rng.int(1, 13)).padStart(2, '0') : null,
      lop_ban_tru: boarding ? 1 : 0,
      ma_hoc_ban_tru: boarding ? (plan.boarding ? '01' : '02') : null,
      lop_vnen: year < 2025 && level === 'th' && rng.chance(0.03) ? 1 : 0,
      lop_ghep_do_tuoi: preschool && c.ageGroups.length > 1 ? c.ageGroups.length : 0,
      so_buoi_tren_tuan: session,
      ma_nhom_tuoi_mn: preschool ? String(dominant - 100).padStart(2, '0') : null,
      is_lop_co_tre_khuyet_tat: c.members.some((e) => e.learner.disability) ? 1 : 0,
      si_so: c.members.length,
      created_at: timestamp(created),
      updated_at: timestamp(Math.max(created, cnStamp(rng, t))),
    };
  });
}

/** hoc_sinh row and its hoc_sinh_trang_thai rows for one enrolment. */
export function learnerRows(
  rng: Rng,
  ctx: Context,
  plan: SchoolPlan,
  year: number,
  e: Enrolment,
  boardingClass: boolean,
  t: Timing,
): { learner: Row; statuses: Row[] } {
  const L = e.learner;
  const first = e.events[0];
  const startEntry = first.status === 1 || first.status === 10;
  const floor = officeTime(rng, t.dnFrom);
  const created = startEntry ? dnStamp(rng, t) : Math.max(floor, officeTime(rng, first.day + rng.int(0, 3)));
  const statuses: Row[] = [];
  let lastStamp = created;
  for (const ev of e.events) {
    const stamp = ev.status === 1 || ev === first ? created : Math.max(lastStamp + 3600, officeTime(rng, ev.day + rng.int(0, 4)));
    lastStamp = stamp;
    statuses.push({
      id: ctx.nextId('hoc_sinh_trang_thai'),
      ma_hoc_sinh: L.code,
      ma_truong_hoc: plan.code,
      nam_hoc: year,
      trang_thai: ev.status,
      ngay_hieu_luc: isoDate(ev.day),
      ma_ly_do_thoi_hoc: ev.reason,
      created_at: timestamp(stamp),
      updated_at: timestamp(stamp),
    });
  }
  const last = e.events[e.events.length - 1];
  const updated = e.left ? lastStamp : Math.max(lastStamp, cnStamp(rng, t));
  const boarding = boardingClass && rng.chance(0.8);
  const old = year < 2025;
  const guardianPhone = L.guardianIsFather ? L.fatherPhone : L.motherPhone;
  const learner: Row = {
    id: ctx.nextId('hoc_sinh'),
    ma_hoc_sinh: L.code,
    ma_truong_hoc: plan.code,
    nam_hoc: year,
    ma_lop_hoc_dn: e.classDn,
    ma_lop_hoc_cn: e.classCn,
    khoi_hoc: Number(khoiOf(e.grade)),
    ho_ten: L.name,
    ngay_sinh: pushedDate(L.birth),
    gioi_tinh: L.sex,
    ma_dan_toc: L.ethnic,
    ma_ton_giao: L.religion,
    khuyet_tat: L.disability ? 1 : 0,
    ma_loai_khuyet_tat: L.disability,
    loai_nhap_hoc: e.entry,
    trang_thai: last.status,
    ngay_trang_thai: isoDate(last.day),
    ma_ly_do_thoi_hoc: last.reason,
    noi_chuyen_di: last.status === 4 || last.status === 8 || last.status === 11 ? e.destination : null,
    ban_tru: boarding ? 1 : 0,
    ma_hoc_ban_tru: boarding ? (plan.boarding ? '01' : '02') : null,
    ma_khu_vuc: plan.zone,
    ma_cong_dan: L.citizenId,
    so_cmnd: null,
    ho_ten_bo: L.father,
    ho_ten_me: L.mother,
    ngay_sinh_me: pushedDate(L.motherBirth),
    ho_ten_nguoi_giam_ho: L.guardianIsFather ? L.father : L.mother,
    ngay_sinh_nguoi_giam_ho: pushedDate(L.guardianIsFather ? L.fatherBirth : L.motherBirth),
    so_dien_thoai_me: L.motherPhone,
    so_dien_thoai_bo: L.fatherPhone,
    so_dthoai_ddong: guardianPhone,
    email: L.email,
    dchi_thtru: `${L.address}, ${unitAddress(plan, year)}`,
    ma_pxa_thtru: old ? plan.commune.code : plan.newCommune.code,
    ma_tthanh_thtru: old ? plan.commune.province.code : plan.newProvince.code,
    noi_sinh: L.birthProvince,
    que_quan: L.birthProvince,
    created_at: timestamp(created),
    updated_at: timestamp(updated),
  };
  return { learner, statuses };
}

/** diem_truong rows of a year (units of that year). */
export function siteRows(rng: Rng, ctx: Context, plan: SchoolPlan, year: number, sites: Site[], t: Timing): Row[] {
  const old = year < 2025;
  return sites.map((s) => {
    const created = dnStamp(rng, t);
    return {
      id: ctx.nextId('diem_truong'),
      ma_diem_truong: s.code,
      ma_truong_hoc: plan.code,
      nam_hoc: year,
      ten_diem_truong: s.name,
      dia_chi: `${s.address.split(',')[0]}, ${unitAddress(plan, year)}`,
      dien_thoai: null,
      khoang_cach: s.distance,
      dien_tich: s.area,
      ma_tinh_thanh: old ? plan.commune.province.code : plan.newProvince.code,
      ma_quan_huyen: old ? plan.commune.district.code : null,
      ma_xa: old ? plan.commune.code : plan.newCommune.code,
      created_at: timestamp(created),
      updated_at: timestamp(created),
    };
  });
}

/** phong_hoc rows of a year. */
export function roomRows(rng: Rng, ctx: Context, plan: SchoolPlan, year: number, rooms: Room[], t: Timing): Row[] {
  return rooms.map((r) => {
    const created = dnStamp(rng, t);
    return {
      id: ctx.nextId('phong_hoc'),
      ma_phong: r.code,
      ma_truong_hoc: plan.code,
      nam_hoc: year,
      ma_diem_truong: r.site,
      loai_phong: r.kind,
      loai_cong_trinh: r.solidity,
      dien_tich: r.area,
      created_at: timestamp(created),
      updated_at: timestamp(created),
    };
  });
}
