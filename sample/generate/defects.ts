/**
 * Record-level defects injected into a school-year's rows after they are built, and the
 * ground-truth manifest rows (synthetic.defects) describing each one. Every defect changes only
 * what its kind says; a record carries at most one defect.
 */
import { Rng } from './prng.ts';
import { DEFECT_RATES, type DefectKind } from './defect-kinds.ts';
import { MUTATORS, type Candidate } from './defect-mutators.ts';
import type { Row } from './columns.ts';
import type { SchoolYear } from './school-year.ts';

/** A manifest entry before it becomes a synthetic.defects row. */
export type DefectRecord = {
  kind: DefectKind;
  table: string;
  id: number | null;
  school: string;
  year: number;
  ky: string | null;
  field: string | null;
  detail: string;
};

/** Injects defects at `rate x multiplier`, and at least `minimum` of each kind over the run. */
export class DefectInjector {
  readonly counts = new Map<DefectKind, number>();

  constructor(
    private readonly multiplier: number,
    private readonly minimum: number,
  ) {}

  rate(kind: DefectKind): number {
    return Math.min(0.5, DEFECT_RATES[kind] * this.multiplier);
  }

  /** How many of `kind` to inject among `eligible` records: Poisson, topped up to the run's minimum. */
  howMany(rng: Rng, kind: DefectKind, eligible: number): number {
    if (eligible === 0) return 0;
    let n = rng.poisson(this.rate(kind) * eligible);
    if ((this.counts.get(kind) ?? 0) < this.minimum) n = Math.max(n, 1);
    return Math.min(n, eligible);
  }

  /** Records a defect in the manifest. */
  note(sy: SchoolYear, d: Omit<DefectRecord, 'school' | 'year'>): void {
    this.counts.set(d.kind, (this.counts.get(d.kind) ?? 0) + 1);
    sy.defects.push({
      kind: d.kind,
      table_name: d.table,
      record_id: d.id,
      ma_truong_hoc: sy.plan.code,
      nam_hoc: sy.year,
      ky: d.ky,
      field: d.field,
      detail: d.detail,
    });
  }

  /** Applies every record-level kind to a built school-year. */
  inject(rng: Rng, sy: SchoolYear): void {
    const touched = new Set<Row>();
    for (const [kind, mutator] of MUTATORS) {
      const candidates = mutator.candidates(sy).filter((c) => !touched.has(c.row));
      const n = this.howMany(rng, kind, candidates.length);
      for (const i of rng.sample(candidates.length, n)) {
        const c: Candidate = candidates[i];
        const change = mutator.apply(rng, sy, c);
        if (!change) continue;
        touched.add(c.row);
        this.note(sy, { kind, table: c.table, id: c.row.id as number, ky: change.ky ?? 'DN', field: change.field, detail: change.detail });
      }
    }
  }
}
