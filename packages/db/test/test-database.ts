/**
 * Which databases the contract suite runs on. PGlite (in memory) always; PostgreSQL when DATABASE_URL is set.
 * Under `npm test` (KEEL_REQUIRE_DATABASE=1) a missing DATABASE_URL is a failure, not a skip; a developer's
 * `npx vitest run` without services skips the PostgreSQL half and says how to get it.
 */
import { randomUUID } from 'node:crypto';
import { createDatabase, type Database, type DatabaseOptions } from '../src/index.ts';

export const HOW_TO_GET_POSTGRES =
  'start PostgreSQL 15 with `bash scripts/services.sh start` and `eval "$(bash scripts/services.sh env)"` (npm test does this)';

export interface TestTarget {
  name: string;
  options: DatabaseOptions | null;
  /** Why the target cannot run; a failure when required, a skip otherwise. */
  missing: string | null;
}

export function testTargets(): TestTarget[] {
  const url = process.env.DATABASE_URL;
  return [
    {
      name: 'postgres',
      options: url ? { url, maxConnections: 5 } : null,
      missing: url ? null : `DATABASE_URL is not set: ${HOW_TO_GET_POSTGRES}`,
    },
    { name: 'pglite', options: { pglite: {} }, missing: null },
  ];
}

export const databaseRequired = process.env.KEEL_REQUIRE_DATABASE === '1';

export async function openMigrated(options: DatabaseOptions): Promise<Database> {
  const db = await createDatabase(options);
  await db.migrate();
  return db;
}

/** A fresh account; unique across runs and concurrent test files sharing one database. */
export function newUser(db: Database, label: string): Promise<string> {
  return db.asService((tx) => tx.users.create({ email: `${label}-${randomUUID()}@contract.test` }));
}

export function claimsFor(userId: string) {
  return { sub: userId, role: 'authenticated' as const, aud: 'authenticated' };
}
