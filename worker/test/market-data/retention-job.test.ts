/**
 * The retention pass: the hot tier trimmed to 24 h and idle markets dropped; the warm tier pruned through @keel/db
 * (keel.prune_candles) when a database is given; a failing tier does not stop the others.
 */
import { createDatabase, type Database } from '@keel/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteDatabaseUrl } from '../../../packages/db/test/test-database.ts';
import { silentLogger } from '../../src/logger.ts';
import type { HotCache } from '../../src/storage/hot-cache.ts';
import { InProcessHotCache } from '../../src/storage/in-process-hot-cache.ts';
import { runRetention } from '../../src/storage/retention-job.ts';
import { databaseRequired } from '../harness.ts';
import { hourlyCandle } from './hot-cache.contract.ts';

const DAY_MS = 24 * 3_600_000;

describe('retention pass on the hot tier', () => {
  it('drops markets idle for 24 h and keeps the others', async () => {
    let nowMs = Date.UTC(2025, 0, 1);
    const hot = new InProcessHotCache(() => nowMs);
    await hot.pushCandle('ETH-USDT', '1h', hourlyCandle(0));
    nowMs += DAY_MS;
    await hot.pushCandle('BTC-USDT', '1h', hourlyCandle(0));
    expect(await runRetention({ hot, logger: silentLogger }, nowMs)).toEqual({
      hotTrimmed: true,
      warmCandlesDeleted: null,
    });
    expect(await hot.latestCandles('ETH-USDT', '1h', 10)).toEqual([]);
    expect(await hot.latestCandles('BTC-USDT', '1h', 10)).toEqual([hourlyCandle(0)]);
  });

  it('a hot tier that throws is reported, not fatal', async () => {
    const broken = { trim: async () => Promise.reject(new Error('down')) } as unknown as HotCache;
    expect(await runRetention({ hot: broken, logger: silentLogger }, Date.now())).toEqual({
      hotTrimmed: false,
      warmCandlesDeleted: null,
    });
  });
});

const skipWarm = process.env.DATABASE_URL ? null : databaseRequired ? 'required' : 'DATABASE_URL is not set';
if (skipWarm === 'required') throw new Error('DATABASE_URL is not set: npm test starts PostgreSQL');

describe.skipIf(skipWarm !== null)(`retention pass on the warm tier ${skipWarm ?? ''}`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createDatabase({
      url: await suiteDatabaseUrl(process.env.DATABASE_URL as string, 'worker_retention'),
      maxConnections: 2,
    });
    await database.migrate();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('prunes Postgres candles older than 30 days through the repository', async () => {
    const symbol = `R${Math.random().toString(36).slice(2, 8).toUpperCase()}-USDT`;
    const hourMs = 3_600_000;
    const recentMs = Math.floor(Date.now() / hourMs) * hourMs - hourMs;
    const oldMs = recentMs - 31 * DAY_MS;
    const row = (time: number) => ({
      symbol,
      timeframe: '1h' as const,
      time,
      open: '1',
      high: '2',
      low: '0.5',
      close: '1.5',
      volume: '3',
    });
    await database.asService((tx) => tx.candles.upsertMany([row(oldMs), row(recentMs)]));
    const report = await runRetention({ hot: new InProcessHotCache(), database, logger: silentLogger }, Date.now());
    expect(report.hotTrimmed).toBe(true);
    expect(report.warmCandlesDeleted).toBeGreaterThanOrEqual(1);
    const left = await database.asService((tx) =>
      tx.candles.range({ symbol, timeframe: '1h', from: new Date(0), limit: 10 }),
    );
    expect(left.map((candle) => candle.openTime)).toEqual([recentMs]);
  });
});
