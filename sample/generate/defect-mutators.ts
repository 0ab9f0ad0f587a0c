/**
 * How each record-level defect kind picks its candidate records in a school-year and changes
 * exactly one thing about one of them. Returned changes become manifest rows.
 */
import type { Rng } from './prng.ts';
import type { DefectKind } from './defect-kinds.ts';
import { readsAsVietnamese, toLegacy, type LegacyEncoding } from './encodings.ts';
import { isoDate, pushedDate, day } from './dates.ts';
import type { Row } from './columns.ts';
import type { SchoolYear } from './school-year.ts';

/** A record a defect may change. */
export type Candidate = { table: string; row: Row };
/** What a defect changed, for the manifest. */
export type Change = { field: string; detail: string; ky?: string };
type Mutator = { candidates(sy: SchoolYear): Candidate[]; apply(rng: Rng, sy: SchoolYear, c: Candidate): Change | null };

const as = (table: string, rows: Row[]): Candidate[] => rows.map((row) => ({ table, row }));
const learners = (sy: SchoolYear) => as('hoc_sinh', sy.learnerRows);
const staff = (sy: SchoolYear) => as('can_bo', sy.rows.can_bo);
const classes = (sy: SchoolYear) => as('lop_hoc', sy.rows.lop_hoc);
const LEFT = [4, 5, 8, 9, 11, 12];
const DROPOUT = [5, 9, 12];

/** Personal fields: the manifest says what happened to them, never their values. */
const PERSONAL = new Set(['ho_ten', 'ho_ten_me', 'ten_can_bo', 'hieu_truong', 'so_dien_thoai_me', 'so_dien_thoai_di_dong', 'ma_cong_dan', 'so_cmnd']);

function set(c: Candidate, field: string, value: string | number | null, why: string): Change {
  const before = c.row[field];
  c.row[field] = value;
  return { field, detail: PERSONAL.has(field) ? why : `${why}: ${JSON.stringify(before ?? null)} -> ${JSON.stringify(value)}` };
}

const birthParts = (text: unknown) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(text ?? ''));
  return m ? { y: Number(m[1]), m: m[2], d: m[3] } : { y: 2010, m: '06', d: '15' };
};

/** The birthday moved to `year`, as pushed; 29/02 becomes 28/02 in a common year (no impossible date by accident). */
const birthIn = (year: number, b: { m: string; d: string }) => {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return `${year}-${b.m}-${b.m === '02' && b.d === '29' && !leap ? '28' : b.d}T00:00:00.0`;
};

/** Grades (khoi_hoc) a school does not serve, by its DM_NHOM_CAP_HOC group. */
const outside: Record<string, number[]> = {
  '01': [1, 2, 3],
  '19': [1, 2],
  '06': [6, 7, 8, 9],
  '07': [1, 2, 3, 10, 11],
  '08': [6, 7, 8, 9],
  '09': [10, 11, 12],
  '10': [1, 2, 3, 4, 5],
  '11': [16, 17],
  '12': [1, 2, 3, 4, 5],
  '13': [1, 2, 3, 4, 5],
};

function phoneVariant(rng: Rng, p: string): string {
  const v = rng.int(0, 3);
  if (v === 0) return `+84 ${p.slice(1, 4)} ${p.slice(4, 7)} ${p.slice(7)}`;
  if (v === 1) return `${p.slice(0, 3)}.${p.slice(3, 6)}.${p.slice(6)}`;
  if (v === 2) return `84${p.slice(1)}`;
  return `${p.slice(0, 4)} ${p.slice(4, 7)} ${p.slice(7)}`;
}

const nameField = (c: Candidate, rng: Rng) =>
  c.table === 'hoc_sinh' ? (rng.chance(0.7) ? 'ho_ten' : 'ho_ten_me') : c.table === 'can_bo' ? 'ten_can_bo' : 'hieu_truong';
const named = (sy: SchoolYear) => [...learners(sy), ...staff(sy), ...as('truong_hoc', [sy.rows.truong_hoc[0]])];

/** Record-level kinds in injection order (duplicate learners and unit-level kinds are handled in school.ts). */
export const MUTATORS: Array<[DefectKind, Mutator]> = [
  [
    'missing_required',
    {
      candidates: (sy) => [...learners(sy), ...staff(sy), ...classes(sy)],
      apply: (rng, _sy, c) => {
        const field =
          c.table === 'hoc_sinh'
            ? rng.pick(['ma_dan_toc', 'gioi_tinh', 'ngay_sinh', 'ma_lop_hoc_cn'])
            : c.table === 'can_bo'
              ? rng.pick(['trinh_do_chuyen_mon_nv_cao_nhat', 'loai_hop_dong', 'ngay_sinh'])
              : 'khoi_hoc';
        return set(c, field, null, 'required field emptied');
      },
    },
  ],
  [
    'missing_conditional',
    {
      candidates: (sy) => [
        ...learners(sy).filter(
          (c) =>
            (DROPOUT.includes(c.row.trang_thai as number) && c.row.ma_ly_do_thoi_hoc) ||
            c.row.khuyet_tat === 1 ||
            ([4, 8, 11].includes(c.row.trang_thai as number) && c.row.noi_chuyen_di),
        ),
        ...classes(sy).filter(
          (c) => c.row.lop_ghep === 1 || c.row.lop_chuyen === 1 || (c.row.lop_ban_tru === 1 && c.row.khoi_hoc !== '16' && c.row.khoi_hoc !== '17'),
        ),
      ],
      apply: (_rng, _sy, c) => {
        const r = c.row;
        if (c.table === 'hoc_sinh') {
          if (DROPOUT.includes(r.trang_thai as number)) return { ...set(c, 'ma_ly_do_thoi_hoc', null, 'dropout without reason'), ky: 'CN' };
          if (r.khuyet_tat === 1) return set(c, 'ma_loai_khuyet_tat', null, 'disabled learner without disability type');
          return { ...set(c, 'noi_chuyen_di', null, 'transfer out without destination'), ky: 'CN' };
        }
        if (r.lop_ghep === 1) return set(c, 'ma_lop_ghep', null, 'multi-grade class without group code');
        if (r.lop_chuyen === 1) return set(c, 'ma_he_chuyen', null, 'specialised class without speciality');
        return set(c, 'ma_hoc_ban_tru', null, 'semi-boarding class without boarding kind');
      },
    },
  ],
  [
    'invalid_code',
    {
      candidates: (sy) => [...learners(sy), ...staff(sy)],
      apply: (rng, _sy, c) => {
        if (c.table === 'can_bo')
          return rng.chance(0.5)
            ? set(c, 'loai_hop_dong', '01', 'outside DM_HINH_THUC_HOP_DONG')
            : set(c, 'trinh_do_chuyen_mon_nv_cao_nhat', '19', 'outside DM_TRINH_DO_CHUYEN_MON');
        const v = rng.int(0, 2);
        if (v === 0) return set(c, 'ma_dan_toc', rng.pick(['99', '00', '56']), 'outside DM_DAN_TOC');
        if (v === 1 || c.row.trang_thai !== 1) return set(c, 'gioi_tinh', rng.pick([3, 0]), 'outside DM_GIOI_TINH');
        return set(c, 'trang_thai', 17, 'outside DM_TRANG_THAI_HOC_SINH');
      },
    },
  ],
  [
    'impossible_date',
    {
      candidates: (sy) => [...learners(sy), ...staff(sy)],
      apply: (rng, sy, c) => {
        const b = birthParts(c.row.ngay_sinh);
        if (c.table === 'hoc_sinh' && rng.chance(0.3)) {
          const birth = day(b.y, Number(b.m), Number(b.d));
          return set(c, 'ngay_trang_thai', isoDate(birth - rng.int(30, 400)), 'status date before birth');
        }
        return set(c, 'ngay_sinh', birthIn(sy.year + rng.int(2, 4), b), 'birth date in the future');
      },
    },
  ],
  [
    'implausible_age',
    {
      candidates: (sy) => learners(sy).filter((c) => c.row.ngay_sinh),
      apply: (rng, sy, c) => {
        const b = birthParts(c.row.ngay_sinh);
        const khoi = c.row.khoi_hoc as number;
        const age =
          khoi >= 16 ? rng.int(10, 15) : khoi >= 13 ? rng.int(3, 7) : rng.chance(0.7) ? Math.max(1, khoi + 5 - rng.int(5, 8)) : khoi + 5 + rng.int(12, 20);
        return set(c, 'ngay_sinh', birthIn(sy.year - age, b), `age ${age} in khối ${khoi}`);
      },
    },
  ],
  [
    'malformed_value',
    {
      candidates: (sy) => [...learners(sy), ...staff(sy), ...as('phong_hoc', sy.rows.phong_hoc)],
      apply: (rng, _sy, c) => {
        if (c.table === 'phong_hoc') {
          const area = String(c.row.dien_tich);
          return set(c, 'dien_tich', rng.chance(0.5) ? `${Math.round(Number(area))}m2` : area.replace('.', ','), 'area not a number');
        }
        const b = birthParts(c.row.ngay_sinh);
        const v = c.table === 'can_bo' ? 1 : rng.int(0, 2);
        const value = v === 0 ? `31/02/${b.y}` : v === 1 ? `${b.d}/${b.m}/${b.y}` : 'không rõ';
        return set(c, 'ngay_sinh', value, 'date not in the pushed format');
      },
    },
  ],
  [
    'duplicate_staff',
    {
      candidates: (sy) => (sy.staffDonor ? staff(sy).filter((c) => c.row.loai_can_bo === '03') : []),
      apply: (_rng, sy, c) => {
        const d = sy.staffDonor!;
        c.row.ten_can_bo = d.member.name;
        c.row.ngay_sinh = pushedDate(d.member.birth);
        c.row.gioi_tinh = d.member.sex;
        c.row.so_cmnd = d.member.idCard;
        c.row.ma_cong_dan = d.member.citizenId;
        return { field: 'ma_cong_dan', detail: `same person as a teacher of school ${d.school} (name, birth, IDs copied)` };
      },
    },
  ],
  [
    'declared_total_mismatch',
    {
      candidates: (sy) => (sy.rows.truong_hoc[0].tong_so_hoc_sinh === null ? [] : as('truong_hoc', [sy.rows.truong_hoc[0]])),
      apply: (rng, _sy, c) => {
        const field = rng.pick(['tong_so_hoc_sinh', 'tong_so_lop_hoc', 'tong_so_can_bo']);
        const before = c.row[field] as number;
        const delta = Math.max(3, Math.round(before * (0.15 + 0.25 * rng.next())));
        return set(c, field, rng.chance(0.5) || before - delta < 0 ? before + delta : before - delta, 'declared total differs from records');
      },
    },
  ],
  [
    'class_size_mismatch',
    {
      candidates: classes,
      apply: (rng, _sy, c) => {
        const before = c.row.si_so as number;
        const delta = rng.int(3, 10);
        return set(c, 'si_so', rng.chance(0.5) || before - delta < 0 ? before + delta : before - delta, 'declared class size differs from learners assigned');
      },
    },
  ],
  [
    'grade_outside_level',
    {
      candidates: (sy) => [...learners(sy), ...classes(sy)].filter((c) => c.row.khoi_hoc !== null),
      apply: (rng, sy, c) => {
        const khoi = rng.pick(outside[sy.plan.group]);
        return set(c, 'khoi_hoc', c.table === 'lop_hoc' ? String(khoi).padStart(2, '0') : khoi, `khối outside group ${sy.plan.group}`);
      },
    },
  ],
  [
    'status_date_conflict',
    {
      candidates: (sy) => learners(sy).filter((c) => LEFT.includes(c.row.trang_thai as number)),
      apply: (rng, _sy, c) => {
        if (DROPOUT.includes(c.row.trang_thai as number) && rng.chance(0.3))
          return { ...set(c, 'ngay_trang_thai', null, 'dropout without status date'), ky: 'CN' };
        return { ...set(c, 'trang_thai', 1, `đang học although the history ends in status ${c.row.trang_thai} on ${c.row.ngay_trang_thai}`), ky: 'CN' };
      },
    },
  ],
  [
    'legacy_encoding',
    {
      candidates: named,
      apply: (rng, _sy, c) => {
        const field = nameField(c, rng);
        const before = c.row[field];
        if (typeof before !== 'string') return null;
        const encoding = rng.pick<LegacyEncoding>(['tcvn3', 'tcvn3', 'vni', 'viqr']);
        const after = toLegacy(before, encoding);
        // a rendering that reads as another valid name ("Thị" in VNI: "Thò") is not a detectable encoding defect
        return after === before || readsAsVietnamese(after) ? null : set(c, field, after, `typed in ${encoding}`);
      },
    },
  ],
  [
    'unicode_nfd',
    {
      candidates: named,
      apply: (rng, _sy, c) => {
        const field = nameField(c, rng);
        const before = c.row[field];
        if (typeof before !== 'string' || before.normalize('NFD') === before) return null;
        return set(c, field, before.normalize('NFD'), 'decomposed (NFD)');
      },
    },
  ],
  [
    'malformed_contact',
    {
      candidates: (sy) => [...learners(sy), ...staff(sy)],
      apply: (rng, _sy, c) => {
        const phoneField = c.table === 'hoc_sinh' ? 'so_dien_thoai_me' : 'so_dien_thoai_di_dong';
        const id = String(c.row.ma_cong_dan ?? '');
        if (rng.chance(0.3) && id.length === 12) {
          const cut = rng.int(3, 11);
          return set(c, 'ma_cong_dan', id.slice(0, cut) + id.slice(cut + 1), 'citizen ID with 11 digits');
        }
        const phone = String(c.row[phoneField] ?? '');
        if (phone.length !== 10) return null;
        return set(c, phoneField, phoneVariant(rng, phone), 'phone number in a non-standard format');
      },
    },
  ],
];
