/**
 * Reads the rules' SQL from models/quality/rules/<family>.sql. A file holds named blocks, each
 * introduced by a `-- name: <block>` line; lines that are only a comment are the reader's and are
 * left out of the SQL. A block is either a whole query (a query rule, or a fragment of one) or,
 * for a record rule, the select list it adds to its population's scan (`select ... as fails`).
 *
 * A block names what it needs in double braces, filled in this order:
 *   {{name}}               a parameter the rule passes (a column, a table, a threshold), else a
 *                          block of the same file;
 *   {{file/name}}          a block of another file of the folder;
 *   {{population:name}}    the population `name` (populations.ts), or the one a parameter `name`
 *                          names (`{{population:table}}` with `{ table: 'lop_hoc' }`).
 * Parameters carry only names from the spec and the contract and numbers the catalogue states,
 * never values from the data.
 *
 * @example
 *   querySql('class_size', 'LH-SISO'); // with classes as (select ... from raw.lop_hoc ...) select ...
 *   selectList('code_list', 'text', { column: 'ma_dan_toc', list_table: 'dm_dan_toc' }).fails;
 *   // 'pop.ma_dan_toc not in (select ma from raw.dm_dan_toc)'
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { populationSql } from './populations.ts';
import type { QueryRule, RecordRule } from './rule.ts';

/** The folder of the rule files. */
export const RULES_DIR = fileURLToPath(new URL('../../models/quality/rules/', import.meta.url));

/** Values a block's placeholders may take. */
export type RuleParams = Readonly<Record<string, string | number>>;

const files = new Map<string, ReadonlyMap<string, string>>();

/** The blocks of one file, by name, comment lines left out. */
export function ruleFileBlocks(file: string): ReadonlyMap<string, string> {
  const cached = files.get(file);
  if (cached) return cached;
  const lines = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of readFileSync(`${RULES_DIR}${file}.sql`, 'utf8').split('\n')) {
    const header = /^-- name: (\S+)\s*$/.exec(line);
    if (header) {
      if (lines.has(header[1])) throw new Error(`models/quality/rules/${file}.sql: block ${header[1]} is defined twice`);
      current = [];
      lines.set(header[1], current);
    } else if (current && !/^\s*--/.test(line)) current.push(line);
  }
  const blocks = new Map([...lines].map(([name, text]) => [name, text.join('\n').trim()]));
  files.set(file, blocks);
  return blocks;
}

function block(file: string, name: string): string {
  const text = ruleFileBlocks(file).get(name);
  if (text === undefined) throw new Error(`models/quality/rules/${file}.sql has no block named ${name}`);
  return text;
}

/** The block's SQL with every placeholder filled in (fragments recursively, with the same parameters). */
function render(file: string, name: string, params: RuleParams, seen: readonly string[] = []): string {
  const at = `${file}/${name}`;
  if (seen.includes(at)) throw new Error(`models/quality/rules: ${[...seen, at].join(' -> ')} refers to itself`);
  return block(file, name).replace(/\{\{\s*([\w:/.-]+)\s*\}\}/g, (_, ref: string) => {
    if (ref.startsWith('population:')) {
      const name = ref.slice('population:'.length);
      return populationSql(name in params ? String(params[name]) : name);
    }
    if (ref.includes('/')) {
      const [other, fragment] = ref.split('/');
      return render(other, fragment, params, [...seen, at]);
    }
    if (ref in params) return String(params[ref]);
    if (ruleFileBlocks(file).has(ref)) return render(file, ref, params, [...seen, at]);
    throw new Error(`models/quality/rules/${file}.sql: block ${name} uses {{${ref}}}, which no parameter or block supplies`);
  });
}

/** A query block, filled in: a query rule's whole SELECT. */
export function querySql(file: string, name: string, params: RuleParams = {}): string {
  return render(file, name, params);
}

/** Splits a select list at its top-level commas (not inside brackets or quotes). */
function splitList(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      items.push(list.slice(start, i));
      start = i + 1;
    }
  }
  items.push(list.slice(start));
  return items.map((s) => s.trim());
}

/**
 * A record block, filled in: its select list as expressions by alias, e.g. `{ applies, fails,
 * detail }`, for the engine to fuse into its population's scan.
 */
export function selectList(file: string, name: string, params: RuleParams = {}): Readonly<Record<string, string>> {
  const sql = render(file, name, params);
  const list = /^select\s+([\s\S]*)$/i.exec(sql);
  if (!list) throw new Error(`models/quality/rules/${file}.sql: block ${name} is not a select list (select <expression> as <part>, ...)`);
  const out: Record<string, string> = {};
  for (const item of splitList(list[1])) {
    const m = /^([\s\S]*\S)\s+as\s+(\w+)$/i.exec(item);
    if (!m) throw new Error(`models/quality/rules/${file}.sql: block ${name}: '${item.slice(0, 60)}' has no 'as <part>'`);
    out[m[2]] = m[1];
  }
  return out;
}

/** The parts of a record rule a block gives. */
export type RecordParts = { applies?: string; fails: string; detail?: string; fields?: string };

/**
 * A record rule's block, filled in: `fails` and, when the block has them, `applies` and `detail`.
 *
 * @example
 *   recordParts('date', 'TH-DATE-ngay_thanh_lap'); // { applies: 'ngay_thanh_lap is not null', fails: '...' }
 */
export function recordParts(file: string, name: string, params: RuleParams = {}): RecordParts {
  const { applies, fails, detail, fields, ...rest } = selectList(file, name, params);
  const extra = Object.keys(rest);
  if (!fails || extra.length)
    throw new Error(
      `models/quality/rules/${file}.sql: block ${name} must select fails (and may select applies, detail, fields)${extra.length ? `, not ${extra.join(', ')}` : ''}`,
    );
  return { fails, ...(applies && { applies }), ...(detail && { detail }), ...(fields && { fields }) };
}

/** One expression of a block's select list, by its alias; throws when the block has none. */
export function selectPart(file: string, name: string, alias: string, params: RuleParams = {}): string {
  const sql = selectList(file, name, params)[alias];
  if (sql === undefined) throw new Error(`models/quality/rules/${file}.sql: block ${name} selects no ${alias}`);
  return sql;
}

/**
 * A query rule whose SQL is the block `block` (default: its id) of its family's file, filled with
 * `params` and the rule's own thresholds.
 */
export function queryRule(rule: Omit<QueryRule, 'kind' | 'sql'>, block: string = rule.id, params: RuleParams = {}): QueryRule {
  return { kind: 'query', ...rule, sql: querySql(rule.family, block, { ...params, ...rule.thresholds }) };
}

/**
 * A record rule whose parts are the block `block` (default: its id) of its family's file, as
 * queryRule; the block must explain a failure (`detail`).
 */
export function recordRule(rule: Omit<RecordRule, 'kind' | keyof RecordParts>, block: string = rule.id, params: RuleParams = {}): RecordRule {
  const { detail, ...parts } = recordParts(rule.family, block, { ...params, ...rule.thresholds });
  if (!detail) throw new Error(`models/quality/rules/${rule.family}.sql: block ${block} selects no detail, which rule ${rule.id} needs`);
  return { kind: 'population', ...rule, ...parts, detail };
}
