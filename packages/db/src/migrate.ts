/**
 * `keel db migrate`: applies supabase/migrations/<version>_<name>.sql in version order, each in its own
 * transaction, and records them in supabase_migrations.schema_migrations — the Supabase CLI's own table, so
 * `supabase db push` and this runner agree on what is applied. A transaction-scoped advisory lock makes
 * concurrent runs (N workers starting at once) apply each migration exactly once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Driver } from './drivers/driver.ts';
import { OWNER_SESSION } from './session.ts';

export const MIGRATIONS_DIR = resolve(import.meta.dirname, '..', '..', '..', 'supabase', 'migrations');
export const SEED_FILE = resolve(import.meta.dirname, '..', '..', '..', 'supabase', 'seed.sql');

const MIGRATION_FILE = /^(\d{14})_([a-z0-9_]+)\.sql$/;
// Any fixed number: all runners take the same lock.
const MIGRATION_LOCK = 7_310_457;

export interface Migration {
  version: string;
  name: string;
  file: string;
  sql: string;
}

export interface MigrationStatus {
  version: string;
  name: string;
  applied: boolean;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = MIGRATION_FILE.exec(file);
      if (!match)
        throw new MigrationError(`${join(dir, file)}: migration files are named <14-digit version>_<name>.sql`);
      return {
        version: match[1] as string,
        name: match[2] as string,
        file: join(dir, file),
        sql: readFileSync(join(dir, file), 'utf8'),
      };
    });
}

const BOOTSTRAP = `
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
alter table supabase_migrations.schema_migrations add column if not exists statements text[];
alter table supabase_migrations.schema_migrations add column if not exists name text;`;

async function appliedVersions(driver: Driver): Promise<Set<string>> {
  return driver.transaction(OWNER_SESSION, async (executor) => {
    await executor.script(BOOTSTRAP);
    const rows = await executor.query('select version from supabase_migrations.schema_migrations');
    return new Set(rows.map((row) => String(row.version)));
  });
}

export async function migrationStatus(
  driver: Driver,
  migrations: Migration[] = readMigrations(),
): Promise<MigrationStatus[]> {
  const applied = await appliedVersions(driver);
  return migrations.map(({ version, name }) => ({ version, name, applied: applied.has(version) }));
}

export async function applyMigrations(
  driver: Driver,
  migrations: Migration[] = readMigrations(),
  log: (line: string) => void = () => {},
): Promise<MigrationReport> {
  const known = await appliedVersions(driver);
  const report: MigrationReport = { applied: [], alreadyApplied: 0 };
  for (const migration of migrations) {
    if (known.has(migration.version)) {
      report.alreadyApplied++;
      continue;
    }
    const appliedNow = await driver.transaction(OWNER_SESSION, async (executor) => {
      await executor.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const [done] = await executor.query('select 1 from supabase_migrations.schema_migrations where version = $1', [
        migration.version,
      ]);
      if (done) return false;
      try {
        await executor.script(migration.sql);
      } catch (error) {
        throw new MigrationError(`${migration.file}: ${(error as Error).message}`);
      }
      await executor.query(
        'insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3::text[])',
        [migration.version, migration.name, [migration.sql]],
      );
      return true;
    });
    if (appliedNow) {
      report.applied.push(migration.version);
      log(`applied ${migration.version}_${migration.name}`);
    } else report.alreadyApplied++;
  }
  return report;
}

/** supabase/seed.sql: demo data for local development (idempotent). */
export async function applySeed(driver: Driver, file: string = SEED_FILE): Promise<void> {
  const sql = readFileSync(file, 'utf8');
  await driver.transaction(OWNER_SESSION, (executor) => executor.script(sql));
}
