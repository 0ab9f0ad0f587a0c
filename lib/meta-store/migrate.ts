/**
 * Brings the durable tables to the latest version: applies each migration not yet recorded in
 * meta.schema_migrations, one transaction each, and records its version, name and the checksum of
 * its file. A recorded migration whose file has changed since stops everything (MIGRATION_EDITED):
 * released migrations are never edited, a new one is added instead.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { CsdlError } from '../errors.ts';
import { MIGRATIONS } from './migrations/index.ts';

const migrationsDir = new URL('./migrations/', import.meta.url);

/** A released migration's file differs from the one applied, or the warehouse is newer than this code. */
export class MigrationError extends CsdlError {
  constructor(code: 'MIGRATION_EDITED' | 'WAREHOUSE_NEWER', message: string) {
    super(code, message);
  }
}

function checksum(file: string): string {
  // line endings do not change a migration
  return createHash('sha256')
    .update(readFileSync(new URL(file, migrationsDir), 'utf8').replace(/\r\n/g, '\n'))
    .digest('hex');
}

/** The versions applied, newest last. */
export async function appliedMigrations(conn: DuckDBConnection): Promise<Array<{ version: number; name: string; checksum: string }>> {
  const reader = await conn.runAndReadAll(`select version, name, checksum from meta.schema_migrations order by version`);
  return reader.getRowObjectsJson().map((r) => ({ version: Number(r.version), name: String(r.name), checksum: String(r.checksum) }));
}

/** Applies what is missing; returns the versions it applied (none when up to date). */
export async function migrate(conn: DuckDBConnection): Promise<number[]> {
  await conn.run(`create schema if not exists meta;
    create table if not exists meta.schema_migrations (
      version integer primary key,
      name varchar not null,
      checksum varchar not null,
      applied_at timestamptz not null default current_timestamp
    )`);
  const applied = new Map((await appliedMigrations(conn)).map((m) => [m.version, m]));
  const known = new Set(MIGRATIONS.map((m) => m.migration.version));
  const newer = [...applied.keys()].filter((v) => !known.has(v));
  if (newer.length) {
    throw new MigrationError(
      'WAREHOUSE_NEWER',
      `Kho dữ liệu có các bước chuyển đổi bảng bền vững ${newer.join(', ')} mà phiên bản mã này không biết; hãy chạy phiên bản mã mới hơn, hoặc khôi phục bản sao lưu có trước đó`,
    );
  }
  const done: number[] = [];
  for (const { migration, file } of MIGRATIONS) {
    const sum = checksum(file);
    const was = applied.get(migration.version);
    if (was) {
      if (was.checksum !== sum) {
        throw new MigrationError(
          'MIGRATION_EDITED',
          `Bước chuyển đổi ${migration.version} (${file}) đã bị sửa sau khi áp dụng cho kho dữ liệu này; không được sửa bước đã phát hành: hãy đưa thay đổi vào một bước mới`,
        );
      }
      continue;
    }
    await conn.run('begin transaction');
    try {
      await migration.up(conn);
      await conn.run(`insert into meta.schema_migrations (version, name, checksum) values ($1, $2, $3)`, [migration.version, migration.name, sum]);
      await conn.run('commit');
    } catch (err) {
      await conn.run('rollback').catch(() => {});
      throw err;
    }
    done.push(migration.version);
  }
  return done;
}
