/**
 * One school's rows for one year, as handed to the writers, with what defect injection needs:
 * the learner rows that are ordinary records (not soft-deleted, not injected copies), and a
 * staff member of an earlier school that a duplicate may copy.
 */
import type { DataTable, Row } from './columns.ts';
import type { SchoolPlan } from './school-plan.ts';
import type { StaffMember } from './staff-identity.ts';

/** Rows of one school in one year. */
export type SchoolYear = {
  plan: SchoolPlan;
  year: number;
  rows: Record<DataTable, Row[]>;
  learnerRows: Row[];
  staffDonor: { member: StaffMember; school: string } | undefined;
  defects: Row[];
};

/** An empty school-year for `plan` and `year`. */
export function emptySchoolYear(plan: SchoolPlan, year: number): SchoolYear {
  return {
    plan,
    year,
    rows: { truong_hoc: [], diem_truong: [], lop_hoc: [], hoc_sinh: [], hoc_sinh_trang_thai: [], can_bo: [], phong_hoc: [] },
    learnerRows: [],
    staffDonor: undefined,
    defects: [],
  };
}
