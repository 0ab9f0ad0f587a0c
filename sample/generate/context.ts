/**
 * State shared across the schools of one run, in generation order: id counters per table, code
 * sequences per old province, learners transferred out and not yet received by another school
 * of the same new province, and recent records that defects may copy.
 */
import type { DataTable } from './columns.ts';
import { citizenId, citizenPrefix } from './names.ts';
import type { Learner } from './learner-identity.ts';
import type { StaffMember } from './staff-identity.ts';

/** A learner who left during a term for another school of the province. */
export type PendingTransfer = { learner: Learner; day: number; term: 1 | 2; from: string };

/** Cross-school state of one run; see the module comment. */
export class Context {
  private readonly ids: Record<string, number> = {};
  private readonly learnerSeq = new Map<string, number>();
  private readonly staffSeq = new Map<string, number>();
  private readonly citizenSeq = new Map<string, number>();
  /** Learners transferred out within the province during a term, by `${year}:${grade}`. */
  readonly pending = new Map<string, PendingTransfer[]>();
  /** Active learners of earlier schools, by `${year}:${grade}`, that a duplicate may copy. */
  readonly learnerDonors = new Map<string, { learner: Learner; school: string }>();
  /** Staff of earlier schools, by year, that a duplicate may copy. */
  readonly staffDonors = new Map<number, { member: StaffMember; school: string }>();

  constructor(readonly seed: number) {}

  /** The next id of a table (1, 2, 3, ... in generation order). */
  nextId(table: DataTable): number {
    const id = (this.ids[table] ?? 0) + 1;
    this.ids[table] = id;
    return id;
  }

  /** A new 10-digit learner code: old province code + 8-digit sequence. */
  learnerCode(province: string): string {
    const n = (this.learnerSeq.get(province) ?? 0) + 1;
    this.learnerSeq.set(province, n);
    return province + String(n).padStart(8, '0');
  }

  /** A citizen ID never given before in this run (see names.citizenId). */
  citizenId(province: string, sex: number, birthYear: number): string {
    const prefix = citizenPrefix(province, sex, birthYear);
    const n = (this.citizenSeq.get(prefix) ?? 0) + 1;
    this.citizenSeq.set(prefix, n);
    return citizenId(prefix, n);
  }

  /** A new staff code: 'CB' + old province code + 6-digit sequence. */
  staffCode(province: string): string {
    const n = (this.staffSeq.get(province) ?? 0) + 1;
    this.staffSeq.set(province, n);
    return 'CB' + province + String(n).padStart(6, '0');
  }

  /** Forgets transfers and donors when a new province starts (transfers stay inside a province). */
  startProvince(): void {
    this.pending.clear();
    this.learnerDonors.clear();
    this.staffDonors.clear();
  }
}
