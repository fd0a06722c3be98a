/**
 * The tiers inside the running worker (real PostgreSQL, Redis and VictoriaMetrics; the last two owned by this test
 * so it can stop them): a paper bot replays 300 real BTC-USDT hours while Redis is stopped mid-run and later
 * restarted. Trading goes on (one equity point per candle, nothing skipped), the hot cache ends holding the last
 * 24 h, and the cold store holds every candle and every equity point exactly once.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCandlesCsv } from '@keel/core/market/csv.ts';
import { type Candle, candleAt } from '@keel/core/market/types.ts';
import { createDatabase, type Database } from '@keel/db';
import { victoriaExportCandleReader } from '@keel/db/cold-tier/victoria-export-reader.ts';
import { inProcessBus } from '@keel/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteDatabaseUrl } from '../../../packages/db/test/test-database.ts';
import { silentLogger } from '../../src/logger.ts';
import { InfluxSink } from '../../src/storage/influx-sink.ts';
import { MarketDataTiers } from '../../src/storage/market-data-tiers.ts';
import { RedisHotCache } from '../../src/storage/redis-hot-cache.ts';
import { startWorker } from '../../src/worker.ts';
import { databaseRequired, newRunningBot, newUser, realCandleSlice, waitFor } from '../harness.ts';
import { exportSamples, missingService, OwnService, waitForSampleCount } from './own-services.ts';

const CANDLES = 300;
const skipReason = missingDatabase() ?? missingService('REDIS_URL') ?? missingService('VM_URL');

function missingDatabase(): string | null {
  if (process.env.DATABASE_URL) return null;
  if (databaseRequired) throw new Error('DATABASE_URL is not set: npm test starts PostgreSQL (scripts/services.sh)');
  return 'DATABASE_URL is not set';
}

let database: Database;
let redis: OwnService;
let victoria: OwnService;

beforeAll(async () => {
  if (skipReason !== null) return;
  database = await createDatabase({
    url: await suiteDatabaseUrl(process.env.DATABASE_URL as string, 'worker_tiers'),
    maxConnections: 5,
  });
  await database.migrate();
  // Bots of earlier runs of this suite must not join this replay.
  await database.asService((tx) => tx.query(`update public.bots set desired_state = 'stopped'`));
  [redis, victoria] = await Promise.all([OwnService.redis(), OwnService.victoriaMetrics()]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), victoria?.stop()]);
  await database?.close();
});

const equityPoints = async (botId: string) =>
  Number(
    (
      await database.asService((tx) =>
        tx.query('select count(*)::int as n from public.equity_snapshots where bot_id = $1', [botId]),
      )
    )[0]?.n,
  );

describe.skipIf(skipReason !== null)(`the worker with its market-data tiers ${skipReason ?? ''}`, () => {
  it('keeps trading through a Redis outage; the hot cache recovers; the cold store gets everything once', async () => {
    const slice = realCandleSlice(CANDLES);
    const series = parseCandlesCsv(slice.csv, 'BTC-USDT_1h.csv');
    const candles: Candle[] = Array.from({ length: series.length }, (_, i) => candleAt(series, i));
    const hot = new RedisHotCache({ url: redis.url, logger: silentLogger });
    await hot.ready();
    const cold = new InfluxSink({
      url: victoria.url,
      token: 'unused',
      org: 'keel',
      bucket: 'keel',
      bufferPath: join(mkdtempSync(join(tmpdir(), 'keel-worker-cold-')), 'points.lp'),
      logger: silentLogger,
      flushIntervalMs: 200,
    });
    const tiers = new MarketDataTiers({ hot, cold, logger: silentLogger });
    const user = await newUser(database, 'tiers');
    const botId = await newRunningBot(database, user, 'tiers bot');
    const bus = inProcessBus();
    const worker = await startWorker({
      database,
      bus,
      logger: silentLogger,
      dataDir: slice.dataDir,
      replaySpeed: 60,
      workerId: 'worker-tiers',
      pollMs: 100,
      env: { WORKER_PORT: 'off' },
      marketData: tiers,
    });
    try {
      await waitFor('50 candles traded', async () => ((await equityPoints(botId)) >= 50 ? true : null));
      await redis.stop();
      const atStop = await equityPoints(botId);
      await waitFor('50 more candles with Redis down', async () =>
        (await equityPoints(botId)) >= atStop + 50 ? true : null,
      );
      expect(hot.droppedWrites).toBeGreaterThan(0);
      await redis.start();
      await waitFor('the whole replay', async () => ((await equityPoints(botId)) === CANDLES ? true : null));
    } finally {
      await worker.stop();
    }
    expect(atMostOnePerCandle(await equityTimes(botId))).toBe(true);
    expect(await hot.latestCandles('BTC-USDT', '1h', 1000)).toEqual(candles.slice(-24));
    await tiers.close();
    // Read by a new client (no in-process copy): the restarted Redis itself holds the last 24 h again.
    const reader = new RedisHotCache({ url: redis.url, logger: silentLogger });
    await reader.ready();
    expect(await reader.latestCandles('BTC-USDT', '1h', 1000)).toEqual(candles.slice(-24));
    await reader.close();

    expect(await waitForSampleCount(victoria.url, 'candles_close{symbol="BTC-USDT"}', CANDLES)).toBe(CANDLES);
    const coldCandles = await victoriaExportCandleReader({ url: victoria.url }).read({
      symbol: 'BTC-USDT',
      timeframe: '1h',
      fromMs: 0,
      toMs: (candles.at(-1) as Candle).time,
    });
    expect(coldCandles).toEqual(candles);
    const selector = `equity_equity_quote{bot_id="${botId}"}`;
    expect(await waitForSampleCount(victoria.url, selector, CANDLES)).toBe(CANDLES);
    const [equity] = await exportSamples(victoria.url, selector);
    expect(equity?.timestamps).toEqual(candles.map((candle) => candle.time));
  });
});

async function equityTimes(botId: string): Promise<number[]> {
  const rows = await database.asService((tx) =>
    tx.query('select time from public.equity_snapshots where bot_id = $1 order by time', [botId]),
  );
  return rows.map((row) => (row.time as Date).getTime());
}

function atMostOnePerCandle(times: number[]): boolean {
  return new Set(times).size === times.length;
}
