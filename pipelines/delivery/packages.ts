/**
 * The packages a consumer may receive and their bytes. A package is the export stage's package of
 * an approved version (pipelines/export) of the consumer's scope unit: the Ministry's package for
 * consumers of exact figures, the outside recipients' one (small cells suppressed) otherwise, in
 * the formats its registry entry names. A consumer registered as provisional also gets, for a
 * period its unit has not approved, a package of the current figures whose manifest says so
 * (provisional.ts). The zip of a package is the same bytes each time it is built.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import JSZip from 'jszip';
import { metaDb, type Consumer } from '../../lib/meta-store/index.ts';
import { approvalStates } from '../approval/index.ts';
import { exportPackage, type ExportFormat } from '../export/index.ts';
import { provisionalPackage, provisionalPeriods } from './provisional.ts';

/** A package a consumer may take: a version of its unit in a period (`prov-...` for a provisional one). */
export type PackageRef = { versionId: string; period: string; unitKey: string; provisional: boolean };

export type BuiltPackage = PackageRef & {
  packageId: string;
  dir: string;
  /** The package's files (manifest.json last), with their SHA-256. */
  files: Array<{ name: string; bytes: number; sha256: string }>;
  /** Rows of its datasets (each dataset counted once, whatever the formats). */
  rows: number;
  zip: Buffer;
  sha256: string;
};

/** `<version id>.<consumer id>`: the Idempotency-Key of every try of one package to one consumer. */
export function idempotencyKey(versionId: string, consumerId: string): string {
  return `${versionId}.${consumerId}`;
}

/** The approved versions of the consumer's unit, one per period (the one approved now), oldest period first. */
export async function approvedPackages(conn: DuckDBConnection, consumer: Pick<Consumer, 'scope_unit_key'>): Promise<PackageRef[]> {
  const periods = await metaDb(conn)
    .selectFrom('meta.approved_versions')
    .select('period')
    .distinct()
    .where('unit_key', '=', consumer.scope_unit_key)
    .orderBy('period')
    .execute();
  const out: PackageRef[] = [];
  for (const { period } of periods) {
    const state = (await approvalStates(conn, period)).get(consumer.scope_unit_key);
    if (state?.approved && state.version_id) out.push({ versionId: state.version_id, period, unitKey: consumer.scope_unit_key, provisional: false });
  }
  return out;
}

/** Every package the consumer may take now: approved ones, and provisional ones when it is registered so. */
export async function packagesFor(conn: DuckDBConnection, consumer: Consumer): Promise<PackageRef[]> {
  const approved = await approvedPackages(conn, consumer);
  if (!consumer.provisional) return approved;
  const done = new Set(approved.map((p) => p.period));
  const provisional = (await provisionalPeriods(conn, consumer.scope_unit_key)).filter((p) => !done.has(p.period));
  return [...approved, ...provisional];
}

/**
 * The package's zip: entries in a fixed order with a fixed date, so that it is the same bytes
 * every time; written once beside the package folder (`<folder>.zip`, by a temporary name and a
 * rename) and read from there by every later delivery of the package.
 */
async function zipOf(dir: string, packageId: string, names: string[], date: Date): Promise<Buffer> {
  const path = `${dir}.zip`;
  if (existsSync(path)) return readFile(path);
  const zip = new JSZip();
  for (const name of names) zip.file(`${packageId}/${name}`, await readFile(join(dir, name)), { date, createFolders: false });
  const buf = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', platform: 'UNIX' });
  const tmp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, buf);
  await rename(tmp, path);
  return buf;
}

/** Builds (or finds) the package and its zip. */
export async function buildPackage(conn: DuckDBConnection, consumer: Consumer, ref: PackageRef, exportDir: string): Promise<BuiltPackage> {
  let dir: string;
  let packageId: string;
  let files: Array<{ name: string; dataset: string; rows: number; bytes: number; sha256: string }>;
  let date: Date;
  if (ref.provisional) {
    ({ dir, packageId, files, date } = await provisionalPackage(conn, { ...ref, formats: consumer.formats, outDir: exportDir }));
  } else {
    const pkg = await exportPackage(conn, {
      period: ref.period,
      unit: ref.unitKey,
      versionId: ref.versionId,
      recipient: consumer.figures === 'suppressed' ? 'outside' : 'ministry',
      formats: consumer.formats as ExportFormat[],
      outDir: exportDir,
      requestedBy: consumer.consumer_id,
      via: 'delivery',
    });
    ({
      dir,
      manifest: { package_id: packageId, files },
    } = pkg);
    date = new Date(pkg.manifest.version.created_at);
  }
  const rowsOf = new Map<string, number>();
  for (const f of files) rowsOf.set(f.dataset, Math.max(rowsOf.get(f.dataset) ?? 0, f.rows));
  const listed: BuiltPackage['files'] = [];
  const names = [...files.map((f) => f.name).sort(), 'manifest.json'];
  for (const name of names) {
    const f = files.find((x) => x.name === name);
    if (f) listed.push({ name, bytes: f.bytes, sha256: f.sha256 });
    else {
      const bytes = await readFile(join(dir, name));
      listed.push({ name, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
  }
  const buf = await zipOf(dir, packageId, names, date);
  return {
    ...ref,
    packageId,
    dir,
    files: listed,
    rows: [...rowsOf.values()].reduce((a, b) => a + b, 0),
    zip: buf,
    sha256: createHash('sha256').update(buf).digest('hex'),
  };
}
