/**
 * Generates one school's two school years (2024 and 2025) from its plan: learners and their
 * status history, classes, staff, premises and the school record, then injects the school's
 * defects. Everything random comes from one generator keyed by (seed, school index).
 */
import { Rng } from './prng.ts';
import { calendar, officeTime, pushedDate, timestamp } from './dates.ts';
import { CLASS_SIZE, khoiOf, levelOf, type Level } from './levels.ts';
import { firstYear, nextYear, type Enrolment } from './enrolment.ts';
import { buildClasses } from './classes.ts';
import { staffFor } from './staff.ts';
import { staffRow } from './staff.ts';
import { roomsFor, roomsNextYear, sitesFor, type Room } from './rooms.ts';
import { improveProfile, schoolProfile, schoolRow } from './school-row.ts';
import { classRows, cnStamp, dnStamp, learnerRows, roomRows, siteRows } from './rows.ts';
import { timingFor } from './timing.ts';
import { minorityShare } from './learner-identity.ts';
import { emptySchoolYear, type SchoolYear } from './school-year.ts';
import type { Context } from './context.ts';
import type { DefectInjector } from './defects.ts';
import type { SchoolPlan } from './school-plan.ts';
import type { StaffMember } from './staff-identity.ts';

/** The school years generated: 2024-2025 (old units) and 2025-2026 (new units). */
export const YEARS = [2024, 2025] as const;

/** Classes per level as a normal school would have them (staffing follows these, not a defect). */
function normalClasses(plan: SchoolPlan, list: Enrolment[]): Map<Level, number> {
  const byGrade = new Map<number, number>();
  for (const e of list) byGrade.set(e.grade, (byGrade.get(e.grade) ?? 0) + 1);
  const out = new Map<Level, number>();
  for (const [grade, n] of byGrade) {
    const level = levelOf(grade);
    const size = (grade > 100 && grade <= 103 ? CLASS_SIZE.nt : CLASS_SIZE[level])[plan.zone];
    out.set(level, (out.get(level) ?? 0) + Math.max(1, Math.round(n / size)));
  }
  return out;
}

/** period_jump: the year's learners halved, or inflated with fake duplicates under new codes. */
function jump(rng: Rng, ctx: Context, plan: SchoolPlan, year: number, list: Enrolment[], factor: number): Enrolment[] {
  if (factor < 1) return rng.shuffle([...list]).slice(0, Math.round(list.length * factor));
  const start = calendar(year).start;
  const fakes = rng.sample(list.length, Math.round(list.length * (factor - 1))).map((i) => ({
    ...list[i],
    learner: { ...list[i].learner, code: ctx.learnerCode(plan.commune.province.code) },
    entry: 4,
    events: [{ status: 1, day: start, reason: null }],
    left: false,
    repeats: false,
  }));
  return [...list, ...fakes];
}

/** duplicate_active_learner: active learners of earlier schools copied into this one. */
function duplicates(rng: Rng, ctx: Context, defects: DefectInjector, plan: SchoolPlan, year: number, list: Enrolment[]): void {
  const start = calendar(year).start;
  const n = defects.howMany(rng, 'duplicate_active_learner', list.length);
  const codes = new Set(list.map((e) => e.learner.code));
  for (let k = 0; k < n; k++) {
    const grade = rng.pick(plan.grades);
    const donor = ctx.learnerDonors.get(`${year}:${grade}`);
    if (!donor || donor.school === plan.code || codes.has(donor.learner.code)) continue;
    codes.add(donor.learner.code);
    list.push({
      learner: donor.learner,
      grade,
      entry: 4,
      events: [{ status: 1, day: start, reason: null }],
      destination: null,
      left: false,
      repeats: false,
      copy: true,
      copyOf: donor.school,
    });
  }
}

/** Both school years of one school, defects included. */
export function generateSchool(ctx: Context, defects: DefectInjector, plan: SchoolPlan): SchoolYear[] {
  const rng = Rng.derive(ctx.seed, plan.index, 11);
  let profile = schoolProfile(rng, plan);
  const sites = sitesFor(rng, plan);
  const minority = minorityShare(plan);
  const out: SchoolYear[] = [];
  let previous: Enrolment[] | null = null;
  let staff: StaffMember[] | null = null;
  let rooms: Room[] | null = null;
  for (const year of YEARS) {
    const ud = plan.unitDefect?.year === year ? plan.unitDefect : undefined;
    if (year > YEARS[0]) profile = improveProfile(rng, profile);
    const clean: Enrolment[] = previous ? nextYear(rng, ctx, plan, previous, year) : firstYear(rng, ctx, plan, year);
    let list = ud?.kind === 'period_jump' ? jump(rng, ctx, plan, year, clean, ud.factor) : [...clean];
    if (ud?.kind !== 'missing_unit') duplicates(rng, ctx, defects, plan, year, list);
    const classes = buildClasses(
      rng,
      plan,
      year,
      list,
      sites.map((s) => s.code),
      ud?.kind === 'outlier_value' ? ud.factor : 1,
    );
    staff = staffFor(rng, ctx, plan, year, normalClasses(plan, clean), staff, minority);
    rooms = rooms ? roomsNextYear(rng, plan, rooms, classes.length) : roomsFor(rng, plan, classes.length, sites);
    const t = timingFor(rng, plan, year, ud?.kind === 'late_unit');
    const sy = emptySchoolYear(plan, year);
    const teachers = staff.filter((m) => m.group === '03');
    const homeroom = (i: number): [string | null, string | null] => {
      const m = teachers[i % Math.max(1, teachers.length)];
      const end = rng.chance(0.02) ? teachers[(i + 1) % Math.max(1, teachers.length)] : m;
      return [m?.code ?? null, end?.code ?? null];
    };
    sy.rows.lop_hoc = classRows(rng, ctx, plan, year, classes, homeroom, t);
    const boarding = new Map(sy.rows.lop_hoc.map((r) => [r.ma_lop_hoc as string, r.lop_ban_tru === 1]));
    const remote = plan.zone === '04' || plan.zone === '01';
    for (const e of list) {
      const { learner, statuses } = learnerRows(rng, ctx, plan, year, e, boarding.get(e.classDn!) ?? false, t);
      sy.rows.hoc_sinh.push(learner);
      sy.rows.hoc_sinh_trang_thai.push(...statuses);
      if (e.copy)
        defects.note(sy, {
          kind: 'duplicate_active_learner',
          table: 'hoc_sinh',
          id: learner.id as number,
          ky: 'DN',
          field: 'ma_hoc_sinh',
          detail: `copy of a learner active in school ${e.copyOf}`,
        });
      else sy.learnerRows.push(learner);
    }
    for (let k = rng.poisson(list.length * 0.001); k > 0 && classes.length; k--) softDeleted(rng, ctx, sy, list, t);
    sy.rows.can_bo = staff.map((m) => {
      const row = staffRow(ctx, plan, year, m, remote);
      const created = dnStamp(rng, t);
      row.created_at = timestamp(created);
      row.updated_at = timestamp(rng.chance(0.1) ? Math.max(created, cnStamp(rng, t)) : created);
      return row;
    });
    sy.rows.diem_truong = siteRows(rng, ctx, plan, year, sites, t);
    sy.rows.phong_hoc = roomRows(rng, ctx, plan, year, rooms, t);
    const principal = staff.find((m) => m.role === '01');
    const twoSessions = sy.rows.lop_hoc.filter((r) => r.so_buoi_tren_tuan === '06').length * 2 > sy.rows.lop_hoc.length ? 1 : 0;
    const missing = ud?.kind === 'missing_unit';
    const truong = schoolRow(
      ctx.nextId('truong_hoc'),
      plan,
      year,
      profile,
      {
        learners: missing ? null : list.length,
        classes: missing ? null : classes.length,
        staff: missing ? null : staff.length,
        sites: sites.length,
        twoSessions,
      },
      principal ? { name: principal.name, phone: principal.phone, email: principal.email } : null,
    );
    const opened = missing ? officeTime(rng, calendar(year).start - 20) : officeTime(rng, t.dnFrom);
    truong.created_at = timestamp(opened);
    truong.updated_at = timestamp(missing ? opened : Math.max(opened, cnStamp(rng, t)));
    sy.rows.truong_hoc = [truong];
    if (missing) {
      for (const table of ['diem_truong', 'lop_hoc', 'hoc_sinh', 'hoc_sinh_trang_thai', 'can_bo', 'phong_hoc'] as const) sy.rows[table] = [];
      sy.learnerRows = [];
      defects.note(sy, {
        kind: 'missing_unit',
        table: 'truong_hoc',
        id: truong.id as number,
        ky: 'DN',
        field: null,
        detail: 'school record present, no learners, classes, staff or rooms reported',
      });
    } else {
      sy.staffDonor = ctx.staffDonors.get(year);
      defects.inject(rng, sy);
      unitNotes(defects, sy, ud?.kind, truong.id as number, clean.length, list.length, t.dnFrom);
      registerDonors(ctx, sy, list, staff);
    }
    out.push(sy);
    previous = clean;
  }
  return out;
}

function unitNotes(defects: DefectInjector, sy: SchoolYear, kind: string | undefined, id: number, before: number, after: number, from: number): void {
  if (kind === 'late_unit')
    defects.note(sy, {
      kind,
      table: 'truong_hoc',
      id: null,
      ky: 'DN',
      field: 'created_at',
      detail: `all start-of-year records created from ${timestamp(from * 86400).slice(0, 10)}, after the deadline`,
    });
  if (kind === 'period_jump')
    defects.note(sy, {
      kind,
      table: 'truong_hoc',
      id,
      ky: 'DN',
      field: 'tong_so_hoc_sinh',
      detail: `learners ${after} instead of about ${before} (${after < before ? 'halved' : 'fake duplicates'})`,
    });
  if (kind === 'outlier_value')
    defects.note(sy, { kind, table: 'truong_hoc', id, ky: 'DN', field: 'tong_so_lop_hoc', detail: `learners per class about 3.5 times the usual size` });
}

/** Remembers untouched, active records of this school that later schools' duplicates may copy. */
function registerDonors(ctx: Context, sy: SchoolYear, list: Enrolment[], staff: StaffMember[]): void {
  list.forEach((e, i) => {
    const row = sy.rows.hoc_sinh[i];
    if (e.copy || e.left || e.events.length !== 1 || row.trang_thai !== 1 || row.khoi_hoc !== Number(khoiOf(e.grade))) return;
    ctx.learnerDonors.set(`${sy.year}:${e.grade}`, { learner: e.learner, school: sy.plan.code });
  });
  staff.forEach((m, i) => {
    const row = sy.rows.can_bo[i];
    // untouched by this school's defects: a copy must repeat the donor's citizen ID and birth date
    if (m.group === '03' && row.ma_cong_dan === m.citizenId && row.ten_can_bo === m.name && row.ngay_sinh === pushedDate(m.birth)) {
      ctx.staffDonors.set(sy.year, { member: m, school: sy.plan.code });
    }
  });
}

/** A learner row entered by mistake and soft-deleted a few days later. */
function softDeleted(rng: Rng, ctx: Context, sy: SchoolYear, list: Enrolment[], t: import('./rows.ts').Timing): void {
  const model = rng.pick(list);
  const e: Enrolment = {
    ...model,
    learner: { ...model.learner, code: ctx.learnerCode(sy.plan.commune.province.code) },
    events: [{ status: 1, day: calendar(sy.year).start, reason: null }],
    copy: false,
  };
  const { learner } = learnerRows(rng, ctx, sy.plan, sy.year, e, false, t);
  const created = dnStamp(rng, t);
  const deleted = created + rng.int(1, 10) * 86400;
  learner.created_at = timestamp(created);
  learner.updated_at = timestamp(deleted);
  learner.deleted_at = timestamp(deleted);
  sy.rows.hoc_sinh.push(learner);
}
