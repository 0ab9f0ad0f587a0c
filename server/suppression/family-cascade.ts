/**
 * Decides family tables top-down (protect-family.ts): a unit's cells are decided in its parent's
 * family, after that family's own parent cells were fixed by the family above, up to the root.
 * Every response that shows a cell therefore shows the same decision, whichever unit it was asked
 * about. With `repair`, a family that needs some of its parent's cells hidden gets them hidden in
 * the family above, and the subtree below the root's child is decided again until nothing more is
 * needed (`settle`). Decided families are kept for later requests in a DecisionCache under the
 * warehouse's data version; a decision carries the value it was made for, so that a figure whose
 * value has changed since is hidden rather than shown on a stale decision.
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
  /** With `repair`: the subtrees being settled here, by the key of their top, and the families they decided. */
  private settles = new Map<string, Promise<unknown>>();
  private settledHere = new Map<string, Decided>();

  constructor(
    private readonly source: FamilySource<U>,
    private readonly cache?: { decisions: DecisionCache; version: string },
    /**
     * Whether a family whose parent's fixed cells leave some cell determined has those cells
     * hidden in the family above (`settle`). Each subtree below the root is then decided whole
     * before any of its families is used; without it, each family is decided on its own.
     */
    private readonly repair = false,
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
    if (!f) this.families.set(k, (f = this.shared(k, () => (this.repair ? this.settled(parent) : this.decide(parent)))));
    return f;
  }

  /**
   * A family from the cache, or from another request deciding it now (deciding it here when that
   * request fails, e.g. because its client left), or decided here.
   */
  private shared(k: string, decide: () => Promise<Decided>): Promise<Decided> {
    if (!this.cache) return decide();
    const { decisions, version } = this.cache;
    const key = `${version}|${this.source.name}|${k}`;
    const cached = decisions.get(version, `${this.source.name}|${k}`);
    if (cached) return Promise.resolve(cached);
    const running = decisions.pending.get(key);
    if (running) return running.catch(decide);
    const mine = decide();
    decisions.pending.set(key, mine);
    const done = () => decisions.pending.delete(key);
    mine.then(done, done);
    return mine;
  }

  /** A family decided on its own, with its parent's cells as the family above decided them. */
  private async decide(parent: U): Promise<Decided> {
    const key = this.source.key(parent);
    // the root's cells are decided in its own family; any other parent's, in the family above
    const above = (await this.parentOf(parent)) === undefined ? undefined : await this.familyOf(parent);
    const children = await this.source.children(parent);
    const { decided, left } = this.protect(key, children, await this.source.cells(parent, children), above);
    for (const [count, l] of left)
      log.warn('suppression: cells left determined', { tables: this.source.name, family: key, count, cells: l.unprotected.slice(0, 10) });
    this.cache?.decisions.set(this.cache.version, `${this.source.name}|${key}`, decided);
    return decided;
  }

  /** With `repair`: the family of `parent` once the subtree below the root that holds it is settled. */
  private async settled(parent: U): Promise<Decided> {
    const chain = [parent];
    for (let p = await this.parentOf(parent); p !== undefined; p = await this.parentOf(p)) chain.push(p);
    // the root's family is decided on its own: nothing above it to repair
    if (chain.length === 1) return this.decide(parent);
    const top = chain[chain.length - 2];
    const topKey = this.source.key(top);
    let settling = this.settles.get(topKey);
    if (!settling) this.settles.set(topKey, (settling = this.shared(`settle|${topKey}`, () => this.settle(top))));
    await settling;
    const k = this.source.key(parent);
    // another request may have settled it: its decisions are in the shared cache (hidden if evicted since)
    return this.settledHere.get(k) ?? this.cache?.decisions.get(this.cache.version, `${this.source.name}|${k}`) ?? new Map();
  }

  /**
   * Decides every family of the subtree of `top` (a child of the root) top-down, then again
   * where a family needs some of its parent's cells hidden (FamilyResult.needs): those cells are
   * forced hidden in the family above, which is decided again, and the families below whose
   * parent's cells changed with it. Forced cells only ever grow, so this ends; the decisions are
   * those of the last round, where no family needs anything more. What a family needs of the
   * root's family (top's own cells) cannot be had this way and is logged, as is a cell no hiding
   * frees. The families go to `settledHere` and the cache; what it returns is only what `shared`
   * hands to concurrent requests while it runs (they read the families from the cache).
   */
  private async settle(top: U): Promise<Decided> {
    const key = (u: U) => this.source.key(u);
    const order: U[] = [];
    const kidsOf = new Map<string, U[]>();
    const parentOf = new Map<string, string>();
    for (let queue = [top], i = 0; i < queue.length; i++) {
      const kids = await this.source.children(queue[i]);
      if (kids.length === 0) continue;
      order.push(queue[i]);
      kidsOf.set(key(queue[i]), kids);
      for (const c of kids) {
        parentOf.set(key(c), key(queue[i]));
        queue.push(c);
      }
    }
    const rootFamily = await this.familyOf(top);
    const force = new Map<string, Map<string, Set<string>>>();
    const decided = new Map<string, Decided>();
    const left = new Map<string, Left>();
    const dirty = new Set(order.map(key));
    let rounds = 0;
    while (dirty.size > 0) {
      rounds++;
      for (const u of order) {
        const k = key(u);
        if (!dirty.delete(k)) continue;
        const kids = kidsOf.get(k)!;
        const above = k === key(top) ? rootFamily : decided.get(parentOf.get(k)!);
        const result = this.protect(k, kids, await this.source.cells(u, kids), above, force.get(k));
        const before = decided.get(k);
        decided.set(k, result.decided);
        left.set(k, result.left);
        for (const c of changedUnits(before, result.decided)) if (kidsOf.has(c)) dirty.add(c);
        const p = parentOf.get(k);
        if (p === undefined) continue;
        // what this family needs hidden in its parent's family: the parent's family is decided again
        let grew = false;
        for (const [count, l] of result.left) {
          const forced = force.get(p) ?? force.set(p, new Map()).get(p)!;
          const set = forced.get(count) ?? forced.set(count, new Set()).get(count)!;
          for (const cell of l.needs) {
            const id = `${k}\u0000${cell}`;
            if (set.has(id)) continue;
            set.add(id);
            grew = true;
          }
        }
        if (grew) dirty.add(p);
      }
    }
    for (const [k, l] of left) {
      for (const [count, { unprotected, needs }] of l) {
        log.warn('suppression: cells left determined', {
          tables: this.source.name,
          family: k,
          count,
          cells: unprotected.slice(0, 10),
          // needs left here are top's own cells, fixed by the root's family
          ...(needs.length ? { needsAbove: needs.slice(0, 10) } : {}),
        });
      }
    }
    if (rounds > 1) log.info('suppression: families decided again for cells their parents fixed', { tables: this.source.name, subtree: key(top), rounds });
    for (const [k, d] of decided) {
      this.settledHere.set(k, d);
      this.cache?.decisions.set(this.cache.version, `${this.source.name}|${k}`, d);
    }
    return new Map();
  }

  /** Protects each count's table of one family; returns its decisions and what each count left determined. */
  private protect(
    key: string,
    children: U[],
    { counts, attributes, below, gradeLevels }: Awaited<ReturnType<FamilySource<U>['cells']>>,
    above: Decided | undefined,
    force?: Map<string, Set<string>>,
  ): { decided: Decided; left: Left } {
    const decided: Decided = new Map();
    const left: Left = new Map();
    for (const [count, list] of counts) {
      const cells = dedupe(list);
      const fixed = above && fixedOf(above.get(count), key);
      const result = protectFamily({
        parent: key,
        children: children.map((c) => this.source.key(c)),
        cells,
        fixed,
        attributes,
        below,
        gradeLevels,
        force: force?.get(count),
      });
      if (result.unprotected.length) left.set(count, { unprotected: result.unprotected, needs: result.needs });
      const values = new Map(cells.map((c) => [`${c.unit}\u0000${c.cell}`, c.value]));
      decided.set(count, new Map([...result.statuses].map(([id, status]) => [id, { status, value: values.get(id)! }])));
    }
    return { decided, left };
  }
}

/** What a family's counts left determined, and what of its parent's cells would free them. */
type Left = Map<string, { unprotected: string[]; needs: string[] }>;

/** The units whose cells' statuses differ between two decisions of one family (every unit when there was none before). */
function changedUnits(before: Decided | undefined, after: Decided): Set<string> {
  const out = new Set<string>();
  for (const [count, cells] of after) {
    const old = before?.get(count);
    for (const [id, d] of cells) if (old?.get(id)?.status !== d.status) out.add(id.slice(0, id.indexOf('\u0000')));
  }
  return out;
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
