/**
 * Which databases the contract suite runs on. PGlite (in memory) always; PostgreSQL when DATABASE_URL is set.
 * Under `npm test` (KEEL_REQUIRE_DATABASE=1) a missing DATABASE_URL is a failure, not a skip; a developer's
 * `npx vitest run` without services skips the PostgreSQL half and says how to get it.
 */
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
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

const DUPLICATE_DATABASE = '42P04';
const TEMPLATE_IN_USE = '55006';
const CREATE_DATABASE_ATTEMPTS = 50;

/**
 * A suite's own database beside the one in `url` (`<name>_<suffix>`), made once: suites that run database-wide
 * operations (a master-key rotation re-wraps every stored key) must not meet rows another suite leaves behind.
 * Concurrent test files race to create it; the losers use it.
 */
export async function suiteDatabaseUrl(url: string, suffix: string): Promise<string> {
  const target = new URL(url);
  const name = `${target.pathname.slice(1) || 'postgres'}_${suffix}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.unsafe(`create database "${name}"`);
        break;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === DUPLICATE_DATABASE) break;
        // CREATE DATABASE copies template1, which a concurrent CREATE DATABASE may be reading: try again.
        if (code !== TEMPLATE_IN_USE || attempt > CREATE_DATABASE_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
      }
    }
  } finally {
    await admin.end();
  }
  target.pathname = `/${name}`;
  return target.toString();
}
