/**
 * Decides family tables top-down (protect-family.ts): a unit's cells are decided in its parent's
 * family, after that family's own parent cells were fixed by the family above, up to the root.
 * Every response that shows a cell therefore shows the same decision, whichever unit it was asked
 * about. Each family is decided once per request, and kept for later requests in a
 * DecisionCache under the warehouse's data version; a decision carries the value it was made
 * for, so that a figure whose value has changed since is hidden rather than shown on a stale
 * decision.
 */
import { log } from '../../lib/log.ts';
import { protectFamily, type FamilyCell, type Status } from './protect-family.ts';

/** Where the families of one kind of table come from. */
export type FamilySource<U> = {
  /** What the logs and the cache call these tables ('indicators 2025-DN'). */
  name: string;
  key(unit: U): string;
  /** The unit whose family decides `unit`'s cells; undefined for the root. */
  parent(unit: U): Promise<U | undefined>;
  children(unit: U): Promise<U[]>;
  /**
   * The family's cells by count (the units `below` included), what is known of its children
   * without being published, the units further down the family looks at, and the level of each
   * grade (protect-family.ts).
   */
  cells(
    parent: U,
    children: U[],
  ): Promise<{
    counts: Map<string, FamilyCell[]>;
    attributes?: Map<string, Record<string, string>>;
    below?: Array<{ unit: string; parent: string }>;
    gradeLevels?: ReadonlyMap<string, string>;
  }>;
};

/** A published cell's status and the value it was decided for. */
export type Decision = { status: Status; value: number };

/** A family's decisions: count -> `unit \u0000 cell` -> decision. */
export type Decided = Map<string, Map<string, Decision>>;

/**
 * Decided families kept across requests, under a data version (the pipeline runs' times): a new
 * version starts afresh. At most `limit` families are kept, the least recently used dropped.
 */
export class DecisionCache {
  private version = '';
  private families = new Map<string, Decided>();
  /** Families being decided by some request, so that concurrent requests wait instead of repeating the work. */
  readonly pending = new Map<string, Promise<Decided>>();

  constructor(private readonly limit = 5000) {}

  private facts = new Map<string, unknown>();

  /** A fact about the data (a unit's parent) computed once per version. */
  async remember<T>(version: string, key: string, compute: () => Promise<T>): Promise<T> {
    this.renew(version);
    if (this.facts.has(key)) return this.facts.get(key) as T;
    const value = await compute();
    if (version === this.version) this.facts.set(key, value);
    if (this.facts.size > this.limit * 20) this.facts.clear();
    return value;
  }

  private renew(version: string): void {
    if (version === this.version) return;
    this.version = version;
    this.families.clear();
    this.facts.clear();
  }

  get(version: string, key: string): Decided | undefined {
    if (version !== this.version) return undefined;
    const d = this.families.get(key);
    if (d) {
      this.families.delete(key);
      this.families.set(key, d);
    }
    return d;
  }

  set(version: string, key: string, decided: Decided): void {
    this.renew(version);
    this.families.set(key, decided);
    if (this.families.size > this.limit) this.families.delete(this.families.keys().next().value!);
  }
}

export class FamilyCascade<U> {
  private families = new Map<string, Promise<Decided>>();
  private parents = new Map<string, Promise<U | undefined>>();

  constructor(
    private readonly source: FamilySource<U>,
    private readonly cache?: { decisions: DecisionCache; version: string },
  ) {}

  /** A published cell's decision (undefined when no family decided it: hide it). */
  async decision(unit: U, count: string, cell: string): Promise<Decision | undefined> {
    const decided = await this.familyOf(unit);
    return decided?.get(count)?.get(`${this.source.key(unit)}\u0000${cell}`);
  }

  /** Every decision of the family table of `parent`. */
  table(parent: U): Promise<Decided> {
    return this.family(parent);
  }

  /** The family that decides `unit`'s cells: its parent's, or its own for the root. */
  private async familyOf(unit: U): Promise<Decided | undefined> {
    const parent = await this.parentOf(unit);
    return this.family(parent ?? unit);
  }

  private parentOf(unit: U): Promise<U | undefined> {
    const k = this.source.key(unit);
    let p = this.parents.get(k);
    if (!p) {
      const ask = () => this.source.parent(unit);
      p = this.cache ? this.cache.decisions.remember(this.cache.version, `${this.source.name}|parent|${k}`, ask) : ask();
      this.parents.set(k, p);
    }
    return p;
  }

  private family(parent: U): Promise<Decided> {
    const k = this.source.key(parent);
    let f = this.families.get(k);
    if (!f) this.families.set(k, (f = this.shared(parent, k)));
    return f;
  }

  /**
   * A family from the cache, or from another request deciding it now (deciding it here when that
   * request fails, e.g. because its client left), or decided here.
   */
  private shared(parent: U, k: string): Promise<Decided> {
    if (!this.cache) return this.decide(parent);
    const { decisions, version } = this.cache;
    const key = `${version}|${this.source.name}|${k}`;
    const cached = decisions.get(version, `${this.source.name}|${k}`);
    if (cached) return Promise.resolve(cached);
    const running = decisions.pending.get(key);
    if (running) return running.catch(() => this.decide(parent));
    const mine = this.decide(parent);
    decisions.pending.set(key, mine);
    const done = () => decisions.pending.delete(key);
    mine.then(done, done);
    return mine;
  }

  private async decide(parent: U): Promise<Decided> {
    const key = this.source.key(parent);
    // the root's cells are decided in its own family; any other parent's, in the family above
    const above = (await this.parentOf(parent)) === undefined ? undefined : await this.familyOf(parent);
    const children = await this.source.children(parent);
    const { counts, attributes, below, gradeLevels } = await this.source.cells(parent, children);
    const decided: Decided = new Map();
    for (const [count, list] of counts) {
      const cells = dedupe(list);
      const fixed = above && fixedOf(above.get(count), key);
      const result = protectFamily({ parent: key, children: children.map((c) => this.source.key(c)), cells, fixed, attributes, below, gradeLevels });
      if (result.unprotected.length) {
        log.warn('suppression: cells left determined', { tables: this.source.name, family: key, count, cells: result.unprotected.slice(0, 10) });
      }
      const values = new Map(cells.map((c) => [`${c.unit}\u0000${c.cell}`, c.value]));
      decided.set(count, new Map([...result.statuses].map(([id, status]) => [id, { status, value: values.get(id)! }])));
    }
    this.cache?.decisions.set(this.cache.version, `${this.source.name}|${key}`, decided);
    return decided;
  }
}

/** The parent's statuses as decided in the family above (cell -> status); empty when it had none. */
function fixedOf(above: Map<string, Decision> | undefined, unitKey: string): Map<string, Status> {
  const fixed = new Map<string, Status>();
  const prefix = `${unitKey}\u0000`;
  for (const [k, d] of above ?? []) if (k.startsWith(prefix)) fixed.set(k.slice(prefix.length), d.status);
  return fixed;
}

/** One cell per unit and key: figures sharing a count show the same value. */
function dedupe(cells: FamilyCell[]): FamilyCell[] {
  const seen = new Map<string, FamilyCell>();
  for (const c of cells) if (!seen.has(`${c.unit}\u0000${c.cell}`)) seen.set(`${c.unit}\u0000${c.cell}`, c);
  return [...seen.values()];
}
