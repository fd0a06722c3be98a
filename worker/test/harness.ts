/**
 * The worker under test: its own migrated database `<name>_worker` on the server of DATABASE_URL (as under
 * `npm test`; other suites run database-wide operations that must not meet these rows), a slice of real candles
 * in a temporary data folder, and polling helpers.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database, type UserScope } from '@keel/db';
import { suiteDatabaseUrl } from '../../packages/db/test/test-database.ts';
import { defaultDataDir } from '../src/market/data-dir.ts';

export const databaseRequired = process.env.KEEL_REQUIRE_DATABASE === '1';

/** The migrated test database (`<name>_<suite>`), or null (skip) when DATABASE_URL is unset outside `npm test`. */
export async function openTestDatabase(suite = 'worker'): Promise<Database | null> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    if (databaseRequired) throw new Error('DATABASE_URL is not set: npm test starts PostgreSQL (scripts/services.sh)');
    return null;
  }
  const db = await createDatabase({ url: await suiteDatabaseUrl(serverUrl, suite), maxConnections: 5 });
  await db.migrate();
  return db;
}

/** A data folder holding the first `candles` hours of the real BTC-USDT_1h.csv. */
export function realCandleSlice(candles: number): { dataDir: string; csv: string } {
  const lines = readFileSync(join(defaultDataDir(), 'BTC-USDT_1h.csv'), 'utf8').split('\n');
  const dataDir = mkdtempSync(join(tmpdir(), 'keel-worker-data-'));
  const csv = `${lines.slice(0, candles + 1).join('\n')}\n`;
  writeFileSync(join(dataDir, 'BTC-USDT_1h.csv'), csv);
  return { dataDir, csv };
}

export function claimsFor(userId: string) {
  return { sub: userId, role: 'authenticated' as const, aud: 'authenticated' };
}

export async function newUser(db: Database, label: string): Promise<string> {
  return db.asService((tx) => tx.users.create({ email: `${label}-${randomUUID()}@worker.test` }));
}

/** A running paper bot on BTC-USDT 1h, created as its owner; sma-cross 5/20 so a short slice trades. */
export async function newRunningBot(db: Database, userId: string, name: string): Promise<string> {
  return db.asUser(claimsFor(userId), async (tx: UserScope) => {
    const bot = await tx.bots.create({
      name,
      exchange: 'binance',
      symbols: ['BTC-USDT'],
      timeframe: '1h',
      agents: [{ name: 'trend-follower', fast: 5, slow: 20 }],
      paperStartingCashQuote: '10000',
    });
    await tx.bots.setDesiredState(bot.id, 'running');
    return bot.id;
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
