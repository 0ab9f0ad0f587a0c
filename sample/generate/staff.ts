/**
 * The staff of a school in a year: a principal and vice-principals, support staff, and teachers
 * per level in proportion to classes. The next year keeps most people (same ma_can_bo), loses
 * retirees and leavers, and hires or receives transfers to match its classes.
 */
import type { Rng } from './prng.ts';
import { day, isoDate, pushedDate, yearOf } from './dates.ts';
import { TEACHERS_PER_CLASS, type Level, levelOf } from './levels.ts';
import { newStaff, capOf, type StaffMember } from './staff-identity.ts';
import type { Context } from './context.ts';
import type { SchoolPlan } from './school-plan.ts';
import type { Row } from './columns.ts';

/** Levels a school serves, from its grades. */
export function levelsOf(plan: SchoolPlan): Level[] {
  return [...new Set(plan.grades.map(levelOf))];
}

function needs(rng: Rng, plan: SchoolPlan, classes: Map<Level, number>) {
  const total = [...classes.values()].reduce((s, n) => s + n, 0);
  const teachers = new Map<Level, number>();
  for (const [level, n] of classes) {
    const ratio = plan.group === '19' ? 1.6 : TEACHERS_PER_CLASS[level];
    teachers.set(level, Math.max(1, Math.round(n * ratio * (1 + 0.05 * rng.gauss()))));
  }
  const preschool = plan.grades[0] > 100;
  const vices = plan.group === '19' ? 0 : preschool ? (total >= 10 ? 2 : total >= 4 ? 1 : 0) : total >= 28 ? 2 : total >= 8 ? 1 : 0;
  const support = plan.group === '19' ? 1 : preschool ? 2 + Math.round(total / 3) : 2 + Math.round(total / 10);
  return { teachers, vices, support };
}

/** Staff for `year`: new for the first year, carried over (with leavers and hires) for the next. */
export function staffFor(
  rng: Rng,
  ctx: Context,
  plan: SchoolPlan,
  year: number,
  classes: Map<Level, number>,
  previous: StaffMember[] | null,
  minority: number,
): StaffMember[] {
  const need = needs(rng, plan, classes);
  const main = levelsOf(plan)[levelsOf(plan).length - 1];
  const fresh = (group: '01' | '02' | '03', role: string | null, level: Level) => {
    const m = newStaff(rng, ctx, plan, ctx.staffCode(plan.commune.province.code), group, role, level, year, minority * 0.6);
    m.transferredIn = previous !== null && rng.chance(0.25);
    return m;
  };
  const kept = (previous ?? []).filter((m) => {
    const age = year - yearOf(m.birth);
    return age < (m.sex === 2 ? 57 : 61) && !rng.chance(0.025);
  });
  const out: StaffMember[] = [];
  const take = (filter: (m: StaffMember) => boolean, count: number, make: () => StaffMember) => {
    const have = kept.filter(filter).slice(0, count);
    out.push(...have);
    for (let i = have.length; i < count; i++) out.push(make());
  };
  take(
    (m) => m.role === '01',
    1,
    () => fresh('01', '01', main),
  );
  take(
    (m) => m.role === '02',
    need.vices,
    () => fresh('01', '02', main),
  );
  take(
    (m) => m.group === '02',
    need.support,
    () => fresh('02', null, main),
  );
  for (const [level, count] of need.teachers) {
    take(
      (m) => m.group === '03' && m.level === level,
      count,
      () => fresh('03', null, level),
    );
  }
  const teachers = out.filter((m) => m.group === '03');
  teachers.forEach((m, i) => {
    if (i % 8 === 0 && m.role === null) m.role = i % 16 === 0 ? '03' : '04';
  });
  return out;
}

const heSo = (ngach: string, bac: number) => {
  const [base, step] = ['01', '04', '08', '11'].includes(ngach)
    ? [4.0, 0.34]
    : ['07', '10'].includes(ngach)
      ? [4.4, 0.34]
      : ['03', '06'].includes(ngach)
        ? [2.1, 0.2]
        : ['19', '22', '33', '36'].includes(ngach)
          ? [1.86, 0.2]
          : [2.34, 0.33];
  return Math.min(8, base + step * (bac - 1)).toFixed(2);
};

/** One can_bo row; timestamps are filled by the caller. */
export function staffRow(ctx: Context, plan: SchoolPlan, year: number, m: StaffMember, remote: boolean): Row {
  const start = day(year, 9, 5);
  const bac = Math.min(9, 1 + Math.floor((start - m.hired) / 365 / 3));
  const age = year - yearOf(m.birth);
  const status = m.transferredIn ? '07' : age >= (m.sex === 2 ? 56 : 60) ? '04' : '01';
  const allowance = m.group === '02' ? 0 : remote ? 70 : m.level === 'mn' || m.level === 'th' ? 35 : 30;
  return {
    id: ctx.nextId('can_bo'),
    ma_can_bo: m.code,
    ma_truong_hoc: plan.code,
    nam_hoc: year,
    ten_can_bo: m.name,
    loai_can_bo: m.group,
    ma_chuc_vu: m.role,
    cap_hoc: capOf(m.level),
    gioi_tinh: m.sex,
    ngay_sinh: pushedDate(m.birth),
    ma_dan_toc: m.ethnic,
    trinh_do_chuyen_mon_nv_cao_nhat: m.qualification,
    chuyen_nganh_dao_tao_chinh: m.major,
    ma_chuan_dao_tao: m.standard,
    loai_hop_dong: m.contract,
    ma_ngach: m.ngach,
    bac_luong: bac,
    he_so: heSo(m.ngach, bac),
    muc_phu_cap_uu_dai: allowance,
    danh_gia_kq_chuan_nghe_nghiep: m.evaluation,
    tu_danh_gia_kq_chuan_nghe_nghiep: m.selfEvaluation,
    mon_day_chinh: m.subject,
    trang_thai: status,
    ngay_trang_thai: isoDate(status === '07' ? day(year, 8, 1) + (m.hired % 20) : status === '04' ? start : m.hired),
    ngay_tuyen_dung: isoDate(m.hired),
    so_cmnd: m.idCard,
    ma_cong_dan: m.citizenId,
    so_dien_thoai_di_dong: m.phone,
    email: m.email,
    ho_ten_bo: m.father,
    ho_ten_me: m.mother,
    ho_ten_vo_chong: m.spouse,
  };
}
