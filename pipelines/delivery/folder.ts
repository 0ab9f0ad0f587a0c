/**
 * A folder drop: each file of the package is written under a temporary name and renamed, with a
 * `<file>.sha256` beside it (`sha256sum -c` reads it); manifest.json goes last, so a reader that
 * waits for it sees a whole package. A file already there with the same bytes is left alone.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuiltPackage } from './packages.ts';

async function atomicWrite(path: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    await write(tmp);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Drops the package into `<folder>/<package id>/`; returns that folder. */
export async function dropIntoFolder(folder: string, pkg: BuiltPackage): Promise<string> {
  const target = join(folder, pkg.packageId);
  await mkdir(target, { recursive: true });
  const order = [...pkg.files.filter((f) => f.name !== 'manifest.json'), ...pkg.files.filter((f) => f.name === 'manifest.json')];
  for (const f of order) {
    const path = join(target, f.name);
    const sumPath = `${path}.sha256`;
    if (existsSync(sumPath) && existsSync(path) && (await readFile(sumPath, 'utf8')).startsWith(f.sha256)) continue;
    await atomicWrite(path, (tmp) => copyFile(join(pkg.dir, f.name), tmp));
    await atomicWrite(sumPath, (tmp) => writeFile(tmp, `${f.sha256}  ${f.name}\n`));
  }
  return target;
}
