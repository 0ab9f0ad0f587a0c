/**
 * Defects planted by hand, by SQL in a generated `tiny` source after generation (not through the
 * generator), one or more per rule family, in schools chosen for it; then the ETL, the models and
 * a quality run, as in production. Each planted defect must be listed in quality.dq_failures
 * under the school where it was planted, with its record key, the field at fault, an explanation
 * in Vietnamese and, for a learner, its class and grade of the period. Both records of a shared
 * identifier are findings, each in its own school, naming the other.
 * @module-tag slow
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../lib/warehouse.ts';
import { runQuality } from '../../pipelines/quality/run-quality.ts';
import type { TestSource } from '../support/source.ts';
import { buildGeneratedWarehouse, GENERATOR_DEADLINES, type GeneratedWarehouse } from './support/generated-warehouse.ts';

/** Schools of 2025 the generator left without a unit-level defect, one role each. */
const SCHOOL = {
  a: '48000003', // primary: record defects, one side of each duplicate
  b: '48000004', // primary: the other side of each duplicate
  missing: '49000002',
  partial: '49000003',
  late: '49000007',
  stale: '48000002',
  jump: '49000006',
  outlier: '48000005', // lower secondary
} as const;

type Planted = { rule: string; school: string; key: string; fields?: string; detail?: RegExp; related?: { key: string; school: string } };

/** Learners of a school in 2025 studying all year with no generated defect, by source id. */
async function cleanLearners(source: TestSource, school: string, n: number): Promise<Array<{ id: number; khoi_hoc: number; ngay_sinh: string }>> {
  const { rows } = await source.query(
    `select id::int as id, khoi_hoc, ngay_sinh from csdl.hoc_sinh as h
     where ma_truong_hoc = $1 and nam_hoc = 2025 and deleted_at is null and trang_thai = 1 and khoi_hoc between 2 and 5
       and ma_cong_dan is not null and ngay_sinh ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'
       and not exists (select 1 from synthetic.defects d where d.table_name = 'hoc_sinh' and d.record_id = h.id)
       and (select count(*) from csdl.hoc_sinh_trang_thai s where s.ma_hoc_sinh = h.ma_hoc_sinh and s.nam_hoc = 2025 and s.deleted_at is null) = 1
     order by id limit $2`,
    [school, n],
  );
  return rows;
}

/** Plants every defect in the source; returns what each rule must find, and where. */
async function plant(source: TestSource): Promise<Planted[]> {
  const a = await cleanLearners(source, SCHOOL.a, 16);
  const b = await cleanLearners(source, SCHOOL.b, 40);
  const id = (i: number) => a[i].id;
  const hs = (n: number) => `hoc_sinh:${n}`;
  // the other side of each duplicate: a learner of B in the same grade (CCCD-BIRTH: another birth date)
  const sameGrade = b.find((x) => x.khoi_hoc === a[9].khoi_hoc)!;
  const otherBirth = b.find((x) => x !== sameGrade && x.ngay_sinh.slice(0, 10) !== a[11].ngay_sinh.slice(0, 10))!;
  const copy = b.find((x) => x !== sameGrade && x !== otherBirth)!;
  const one = async (sql: string) => (await source.query(sql)).rows[0];
  const schoolRow = async (code: string) => Number((await one(`select id from csdl.truong_hoc where ma_truong_hoc = '${code}' and nam_hoc = 2025`)).id);
  const classOf = await one(`select id, ma_lop_hoc, si_so from csdl.lop_hoc where ma_truong_hoc = '${SCHOOL.a}' and nam_hoc = 2025 order by id limit 1`);
  const gradeClass = await one(`select id from csdl.lop_hoc where ma_truong_hoc = '${SCHOOL.a}' and nam_hoc = 2025 order by id desc limit 1`);
  const sixth = await one(
    `select min(ma_lop_hoc) as ma_lop_hoc, min(id) filter (where ma_lop_hoc = (select min(ma_lop_hoc) from csdl.lop_hoc
       where ma_truong_hoc = '${SCHOOL.outlier}' and nam_hoc = 2025 and khoi_hoc = '06')) as id
     from csdl.lop_hoc where ma_truong_hoc = '${SCHOOL.outlier}' and nam_hoc = 2025 and khoi_hoc = '06'`,
  );
  const year = (t: string, school: string) => `update csdl.${t} set %s where ma_truong_hoc = '${school}' and nam_hoc = 2025`;
  const set = (t: string, school: string, what: string) => year(t, school).replace('%s', what);
  // triggers off: the planted rows keep the generated entry times unless set here
  await source.query(`
    set session_replication_role = replica;
    update csdl.hoc_sinh set ma_dan_toc = null where id = ${id(0)};
    update csdl.hoc_sinh set khuyet_tat = 1, ma_loai_khuyet_tat = null where id = ${id(1)};
    update csdl.hoc_sinh set ma_dan_toc = '99x' where id = ${id(2)};
    update csdl.hoc_sinh set ngay_sinh = '2030-01-09T00:00:00.0' where id = ${id(3)};
    update csdl.hoc_sinh set ngay_sinh = '05/01/2017' where id = ${id(4)};
    update csdl.hoc_sinh set ngay_sinh = '2000-01-09T00:00:00.0' where id = ${id(5)};
    update csdl.hoc_sinh set trang_thai = 5, ngay_trang_thai = date '2026-03-02', ma_ly_do_thoi_hoc = '01' where id = ${id(6)};
    update csdl.hoc_sinh set ma_hoc_sinh = (select ma_hoc_sinh from csdl.hoc_sinh where id = ${id(7)}) where id = ${copy.id};
    update csdl.hoc_sinh set ma_cong_dan = (select ma_cong_dan from csdl.hoc_sinh where id = ${id(9)}),
      ngay_sinh = (select ngay_sinh from csdl.hoc_sinh where id = ${id(9)}) where id = ${sameGrade.id};
    update csdl.hoc_sinh set ma_cong_dan = (select ma_cong_dan from csdl.hoc_sinh where id = ${id(11)}) where id = ${otherBirth.id};
    update csdl.hoc_sinh set ho_ten = normalize(ho_ten, NFD) where id = ${id(12)};
    update csdl.hoc_sinh set ho_ten = 'NguyÔn ThÞ Hoa' where id = ${id(13)};
    update csdl.hoc_sinh set so_dien_thoai_me = '0912' where id = ${id(14)};
    update csdl.truong_hoc set tong_so_can_bo = tong_so_can_bo + 7 where ma_truong_hoc = '${SCHOOL.a}' and nam_hoc = 2025;
    update csdl.lop_hoc set si_so = si_so + 5 where id = ${classOf.id};
    update csdl.lop_hoc set khoi_hoc = '10' where id = ${gradeClass.id};
    ${['hoc_sinh', 'lop_hoc', 'can_bo'].map((t) => set(t, SCHOOL.missing, 'deleted_at = timestamptz ' + "'2025-09-20 08:00:00+07'")).join(';\n    ')};
    ${set('can_bo', SCHOOL.partial, "deleted_at = timestamptz '2025-09-20 08:00:00+07'")};
    ${['truong_hoc', 'lop_hoc', 'can_bo', 'hoc_sinh'].map((t) => set(t, SCHOOL.late, "created_at = timestamptz '2025-11-25 08:00:00+07'")).join(';\n    ')};
    ${['truong_hoc', 'lop_hoc', 'can_bo', 'hoc_sinh'].map((t) => set(t, SCHOOL.stale, "created_at = timestamptz '2025-03-01 08:00:00+07', updated_at = timestamptz '2025-03-01 08:00:00+07'")).join(';\n    ')};
    update csdl.hoc_sinh set deleted_at = timestamptz '2025-09-20 08:00:00+07' where ma_truong_hoc = '${SCHOOL.jump}' and nam_hoc = 2025 and id % 5 < 3;
    update csdl.hoc_sinh set ma_lop_hoc_dn = '${sixth.ma_lop_hoc}', ma_lop_hoc_cn = '${sixth.ma_lop_hoc}'
      where ma_truong_hoc = '${SCHOOL.outlier}' and nam_hoc = 2025 and khoi_hoc = 6;
    reset session_replication_role;`);
  const unit = async (school: string) => `truong_hoc:${await schoolRow(school)}`;
  return [
    { rule: 'HS-REQ-ma_dan_toc', school: SCHOOL.a, key: hs(id(0)), fields: 'ma_dan_toc', detail: /^Chưa nhập Mã dân tộc \(MaDanToc\)/ },
    { rule: 'HS-CREQ-ma_loai_khuyet_tat', school: SCHOOL.a, key: hs(id(1)), fields: 'ma_loai_khuyet_tat', detail: /bắt buộc với học sinh khuyết tật/ },
    { rule: 'HS-CODE-ma_dan_toc', school: SCHOOL.a, key: hs(id(2)), fields: 'ma_dan_toc', detail: /^Mã '99x' không có trong danh mục DM_DAN_TOC$/ },
    {
      rule: 'HS-DATE-ngay_sinh',
      school: SCHOOL.a,
      key: hs(id(3)),
      fields: 'ngay_sinh',
      detail: /^Ngày sinh sau ngày điều tra \(ngày chốt số liệu 30\/09\/2025\)$/,
    },
    { rule: 'HS-FMT-ngay_sinh', school: SCHOOL.a, key: hs(id(4)), fields: 'ngay_sinh', detail: /đang nhập dạng dd\/mm\/yyyy$/ },
    { rule: 'HS-AGE-khoi_hoc', school: SCHOOL.a, key: hs(id(5)), fields: 'ngay_sinh, khoi_hoc', detail: /^Học sinh 25 tuổi/ },
    {
      rule: 'HS-STATUS-HIST',
      school: SCHOOL.a,
      key: hs(id(6)),
      fields: 'trang_thai',
      detail: /^Trạng thái hiện tại 5, lần thay đổi trạng thái cuối cùng là 1$/,
    },
    { rule: 'HS-DUP-ACTIVE', school: SCHOOL.a, key: hs(id(7)), related: { key: hs(copy.id), school: SCHOOL.b }, detail: /của trường khác$/ },
    { rule: 'HS-DUP-ACTIVE', school: SCHOOL.b, key: hs(copy.id), related: { key: hs(id(7)), school: SCHOOL.a } },
    { rule: 'HS-DUP-CCCD', school: SCHOOL.a, key: hs(id(9)), related: { key: hs(sameGrade.id), school: SCHOOL.b } },
    { rule: 'HS-DUP-CCCD', school: SCHOOL.b, key: hs(sameGrade.id), related: { key: hs(id(9)), school: SCHOOL.a } },
    { rule: 'HS-DUP-CCCD-BIRTH', school: SCHOOL.a, key: hs(id(11)), fields: 'ma_cong_dan, ngay_sinh', related: { key: hs(otherBirth.id), school: SCHOOL.b } },
    { rule: 'HS-DUP-CCCD-BIRTH', school: SCHOOL.b, key: hs(otherBirth.id), related: { key: hs(id(11)), school: SCHOOL.a } },
    { rule: 'HS-NFC', school: SCHOOL.a, key: hs(id(12)), fields: 'ho_ten', detail: /Unicode dựng sẵn/ },
    { rule: 'HS-LEGACY', school: SCHOOL.a, key: hs(id(13)), fields: 'ho_ten', detail: /bảng mã cũ/ },
    { rule: 'HS-WELLFORMED', school: SCHOOL.a, key: hs(id(14)), fields: 'so_dien_thoai_me', detail: /sai quy cách/ },
    {
      rule: 'TH-TOTAL-can_bo',
      school: SCHOOL.a,
      key: await unit(SCHOOL.a),
      fields: 'tong_so_can_bo',
      detail: /^Tổng số cán bộ khai báo \d+, số bản ghi cán bộ của năm học \d+$/,
    },
    {
      rule: 'LH-SISO',
      school: SCHOOL.a,
      key: `lop_hoc:${classOf.id}`,
      fields: 'si_so',
      detail: new RegExp(`^Sĩ số khai báo ${classOf.si_so + 5}, số học sinh xếp vào lớp đầu năm ${classOf.si_so}$`),
    },
    { rule: 'LH-GRADE-LEVEL', school: SCHOOL.a, key: `lop_hoc:${gradeClass.id}`, fields: 'khoi_hoc', detail: /^Khối 10 thuộc cấp học mã/ },
    { rule: 'TH-MISSING', school: SCHOOL.missing, key: await unit(SCHOOL.missing), detail: /^Trường chưa báo cáo học sinh, lớp học và cán bộ/ },
    { rule: 'TH-PARTIAL', school: SCHOOL.partial, key: await unit(SCHOOL.partial), detail: /^Trường chưa báo cáo: cán bộ$/ },
    {
      rule: 'TH-LATE',
      school: SCHOOL.late,
      key: await unit(SCHOOL.late),
      detail: /^Số liệu của kỳ hoàn thành ngày 25\/11\/2025, sau hạn báo cáo 31\/10\/2025$/,
    },
    { rule: 'TH-CURRENCY', school: SCHOOL.stale, key: await unit(SCHOOL.stale), detail: /^Số liệu của trường cập nhật lần cuối ngày 01\/03\/2025/ },
    {
      rule: 'TH-JUMP',
      school: SCHOOL.jump,
      key: await unit(SCHOOL.jump),
      fields: 'tong_so_hoc_sinh',
      detail: /^Số học sinh đang học \d+, trung bình \d kỳ trước/,
    },
    {
      rule: 'LH-OUTLIER-SIZE',
      school: SCHOOL.outlier,
      key: `lop_hoc:${sixth.id}`,
      fields: 'si_so',
      detail: /^Lớp có \d+ học sinh, trung vị của \d+ lớp cùng khối/,
    },
  ];
}

type Failure = {
  rule_id: string;
  unit_code: string;
  record_key: string;
  fields: string | null;
  detail: string;
  class_code: string | null;
  class_name: string | null;
  grade: string | null;
  related_record_key: string | null;
  related_unit: string | null;
};

describe('defects planted by SQL in a tiny source', () => {
  let built: GeneratedWarehouse;
  let conn: DuckDBConnection;
  let planted: Planted[] = [];
  let found: Failure[];
  beforeAll(async () => {
    built = await buildGeneratedWarehouse('tiny', 42, undefined, async (source) => {
      planted = await plant(source);
    });
    conn = await built.warehouse.connect();
    await runQuality({ warehouse: conn, deadlines: GENERATOR_DEADLINES });
    found = await queryRows<Failure>(
      conn,
      `select rule_id, unit_code, record_key, fields, detail, class_code, class_name, grade, related_record_key, related_unit
       from quality.dq_failures where period = '2025-DN'`,
    );
  }, 600_000);
  afterAll(async () => {
    conn?.closeSync();
    await built?.close();
  });

  it('plants a defect of every rule family', async () => {
    const families = await queryRows<{ family: string }>(conn, 'select distinct family from quality.dq_rule_catalog order by 1');
    const byRule = new Map(
      (await queryRows<{ rule_id: string; family: string }>(conn, 'select rule_id, family from quality.dq_rule_catalog')).map((r) => [r.rule_id, r.family]),
    );
    expect([...new Set(planted.map((p) => byRule.get(p.rule)))].sort()).toEqual(families.map((f) => f.family));
  });

  it('finds each planted defect in the school where it was planted, with its field and a Vietnamese explanation', () => {
    for (const p of planted) {
      const hit = found.find((f) => f.rule_id === p.rule && f.record_key === p.key);
      expect(hit, `${p.rule} ${p.key}`).toBeDefined();
      expect(hit!.unit_code, `${p.rule} ${p.key}`).toBe(p.school);
      if (p.fields) expect(hit!.fields, `${p.rule} ${p.key}`).toBe(p.fields);
      if (p.detail) expect(hit!.detail, `${p.rule} ${p.key}`).toMatch(p.detail);
      expect(hit!.detail, `${p.rule} ${p.key}`).toMatch(/[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/);
    }
  });

  it('flags both records of a shared identifier, each in its own school, naming the other', () => {
    for (const p of planted.filter((x) => x.related)) {
      const hit = found.find((f) => f.rule_id === p.rule && f.record_key === p.key)!;
      expect({ rule: p.rule, key: hit.related_record_key, school: hit.related_unit }, `${p.rule} ${p.key}`).toEqual({
        rule: p.rule,
        key: p.related!.key,
        school: p.related!.school,
      });
    }
    // same citizen ID with the same birth date is not a birth-date conflict, and the reverse
    const cccd = planted.filter((p) => p.rule === 'HS-DUP-CCCD').map((p) => p.key);
    expect(found.filter((f) => f.rule_id === 'HS-DUP-CCCD-BIRTH' && cccd.includes(f.record_key))).toEqual([]);
    const birth = planted.filter((p) => p.rule === 'HS-DUP-CCCD-BIRTH').map((p) => p.key);
    expect(found.filter((f) => f.rule_id === 'HS-DUP-CCCD' && birth.includes(f.record_key))).toEqual([]);
  });

  it("gives a learner's class and grade of the period, as the school's classes name them", async () => {
    const learners = planted.filter((p) => p.key.startsWith('hoc_sinh:'));
    for (const p of learners) {
      const hit = found.find((f) => f.rule_id === p.rule && f.record_key === p.key)!;
      const [expected] = await queryRows<{ class_code: string; class_name: string; grade: string }>(
        conn,
        `select h.ma_lop_hoc_dn as class_code, l.ten_lop_hoc as class_name, h.khoi_hoc::varchar as grade
         from raw.hoc_sinh as h left join raw.lop_hoc as l on l.ma_truong_hoc = h.ma_truong_hoc and l.nam_hoc = h.nam_hoc and l.ma_lop_hoc = h.ma_lop_hoc_dn
         where h.id = ${Number(p.key.split(':')[1])}`,
      );
      expect({ key: p.key, class_code: hit.class_code, class_name: hit.class_name, grade: hit.grade }).toEqual({ key: p.key, ...expected });
      expect(hit.class_name, p.key).toBeTruthy();
    }
  });

  it("counts each of a school's failing records once in its score", async () => {
    const [a] = await queryRows<{ failing_records: number; records: number }>(
      conn,
      `select failing_records, records from quality.dq_unit_scores where period = '2025-DN' and unit_level = 'school' and unit_code = '${SCHOOL.a}' and dimension = 'overall'`,
    );
    const [{ distinct_records }] = await queryRows<{ distinct_records: number }>(
      conn,
      `select count(distinct record_key) as distinct_records from quality.dq_failures where period = '2025-DN' and unit_code = '${SCHOOL.a}'`,
    );
    expect(Number(a.failing_records)).toBe(Number(distinct_records));
  });
});
