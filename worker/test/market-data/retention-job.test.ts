/**
 * The retention pass: the hot tier trimmed to 24 h and idle markets dropped; the warm tier pruned through @keel/db
 * (keel.prune_candles) when a database is given; a failing tier does not stop the others. The cold tier's
 * downsampling (KEEL_COLD_DOWNSAMPLE) on a real VictoriaMetrics: real Binance 1 m candles become exactly Binance's
 * own 1 h candles, chunk by chunk as they pass the cutoff, and a rerun writes nothing twice.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCandlesCsv } from '@keel/core/market/csv.ts';
import { type Candle, candleAt } from '@keel/core/market/types.ts';
import { createDatabase, type Database } from '@keel/db';
import { victoriaExportCandleReader } from '@keel/db/cold-tier/victoria-export-reader.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../../packages/core/test/shared-data.ts';
import { suiteDatabaseUrl } from '../../../packages/db/test/test-database.ts';
import { silentLogger } from '../../src/logger.ts';
import { aggregateCandles, downsampleCold } from '../../src/storage/cold-downsample.ts';
import { DownsampleRuleError, parseDownsampleRules } from '../../src/storage/downsample-rule.ts';
import type { HotCache } from '../../src/storage/hot-cache.ts';
import { InProcessHotCache } from '../../src/storage/in-process-hot-cache.ts';
import { InfluxSink, influxLineWriter } from '../../src/storage/influx-sink.ts';
import { runRetention } from '../../src/storage/retention-job.ts';
import { TierConfigurationError, tiersFromEnv } from '../../src/storage/tiers-from-env.ts';
import { databaseRequired } from '../harness.ts';
import { hourlyCandle } from './hot-cache.contract.ts';
import { exportSamples, missingService, OwnService, waitForSampleCount } from './own-services.ts';

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
      coldCandlesDownsampled: null,
    });
    expect(await hot.latestCandles('ETH-USDT', '1h', 10)).toEqual([]);
    expect(await hot.latestCandles('BTC-USDT', '1h', 10)).toEqual([hourlyCandle(0)]);
  });

  it('a hot tier that throws is reported, not fatal', async () => {
    const broken = { trim: async () => Promise.reject(new Error('down')) } as unknown as HotCache;
    expect(await runRetention({ hot: broken, logger: silentLogger }, Date.now())).toEqual({
      hotTrimmed: false,
      warmCandlesDeleted: null,
      coldCandlesDownsampled: null,
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

describe('KEEL_COLD_DOWNSAMPLE rules', () => {
  it('reads one rule or several, and nothing when unset', () => {
    expect(parseDownsampleRules('1h after 90d')).toEqual([{ timeframe: '1h', afterMs: 90 * DAY_MS }]);
    expect(parseDownsampleRules(' 1h after 90d, 1d after 730d ')).toEqual([
      { timeframe: '1h', afterMs: 90 * DAY_MS },
      { timeframe: '1d', afterMs: 730 * DAY_MS },
    ]);
    expect(parseDownsampleRules(undefined)).toEqual([]);
    expect(parseDownsampleRules('')).toEqual([]);
  });

  it('refuses what it cannot apply, naming the part', () => {
    expect(() => parseDownsampleRules('1h after 90')).toThrow(DownsampleRuleError);
    expect(() => parseDownsampleRules('1h after 90d, 1w after 400d')).toThrow(/"1w after 400d"/);
    expect(() => parseDownsampleRules('1h after 0d')).toThrow(/≥ 1 day/);
  });

  it('are refused at startup without a cold tier to apply them to', () => {
    expect(() => tiersFromEnv({ KEEL_COLD_DOWNSAMPLE: '1h after 90d' }, silentLogger)).toThrow(
      new TierConfigurationError('KEEL_COLD_DOWNSAMPLE is set but INFLUX_URL is not'),
    );
    expect(() =>
      tiersFromEnv(
        {
          INFLUX_URL: 'http://127.0.0.1:1',
          INFLUX_TOKEN: 't',
          INFLUX_ORG: 'o',
          INFLUX_BUCKET: 'b',
          KEEL_COLD_DOWNSAMPLE: '90d',
        },
        silentLogger,
      ),
    ).toThrow(DownsampleRuleError);
  });

  it('are refused at startup on a cold tier read through Flux, and a read API that does not exist with them', () => {
    const store = { INFLUX_URL: 'http://127.0.0.1:1', INFLUX_TOKEN: 't', INFLUX_ORG: 'o', INFLUX_BUCKET: 'b' };
    expect(() =>
      tiersFromEnv({ ...store, INFLUX_QUERY_API: 'flux', KEEL_COLD_DOWNSAMPLE: '1h after 90d' }, silentLogger),
    ).toThrow(
      new TierConfigurationError(
        'KEEL_COLD_DOWNSAMPLE reads through VictoriaMetrics, but INFLUX_QUERY_API is flux: downsample with InfluxDB tasks',
      ),
    );
    expect(() => tiersFromEnv({ ...store, INFLUX_QUERY_API: 'promql' }, silentLogger)).toThrow(
      new TierConfigurationError(
        'INFLUX_QUERY_API must be flux or victoria-export (or unset: asked of the store), got "promql"',
      ),
    );
  });
});

const HOUR_MS = 3_600_000;

function realCandles(file: string): Candle[] {
  const series = parseCandlesCsv(readFileSync(dataFile(file), 'utf8'), file);
  return Array.from({ length: series.length }, (_, i) => candleAt(series, i));
}

describe.skipIf(!hasSharedData())('OHLCV aggregation', () => {
  it('makes Binance’s BTC-USDT 1 h candles out of its 1 m candles, volume to the last digit', () => {
    const minutes = realCandles('BTC-USDT_1m.csv');
    const first = (minutes[0] as Candle).time;
    const last = (minutes.at(-1) as Candle).time;
    const hours = realCandles('BTC-USDT_1h.csv').filter((candle) => candle.time >= first && candle.time <= last);
    expect(hours.length).toBeGreaterThan(600);
    expect(aggregateCandles(minutes, HOUR_MS)).toEqual(hours);
  });
});

const skipCold = missingService('VM_URL') ?? (hasSharedData() ? null : 'no shared market data');

describe.skipIf(skipCold !== null)(`cold tier downsampling on VictoriaMetrics ${skipCold ?? ''}`, () => {
  const DAYS_STORED = 10;
  const DAYS_PAST_CUTOFF_FIRST = 4;
  let victoria: OwnService;
  beforeAll(async () => {
    // A store of its own: a pass downsamples every market in the store.
    victoria = await OwnService.victoriaMetrics();
  });
  afterAll(async () => {
    await victoria?.stop();
  });

  it('writes each market’s missing 1 h candles once as its 1 m candles age past the cutoff; charts read them', async () => {
    const allMinutes = realCandles('BTC-USDT_1m.csv');
    const firstMs = (allMinutes[0] as Candle).time;
    const minutes = allMinutes.filter((candle) => candle.time < firstMs + DAYS_STORED * DAY_MS);
    const hours = realCandles('BTC-USDT_1h.csv').filter(
      (candle) => candle.time >= firstMs && candle.time < firstMs + DAYS_STORED * DAY_MS,
    );
    const sink = new InfluxSink({
      url: victoria.url,
      token: 'unused-by-victoria-metrics',
      org: 'keel',
      bucket: 'keel',
      bufferPath: join(mkdtempSync(join(tmpdir(), 'keel-downsample-')), 'points.lp'),
      logger: silentLogger,
      flushIntervalMs: 0,
    });
    for (const candle of minutes) sink.writeCandle('BTC-USDT', '1m', candle);
    // The first day's hours were recorded natively too (a bot traded 1 h): they are not written again.
    const nativeHours = hours.filter((candle) => candle.time < firstMs + DAY_MS);
    for (const candle of nativeHours) sink.writeCandle('BTC-USDT', '1h', candle);
    await sink.close();
    expect(await waitForSampleCount(victoria.url, 'candles_close{timeframe="1m"}', minutes.length)).toBe(
      minutes.length,
    );

    const rules = parseDownsampleRules('1h after 90d');
    const writeLines = influxLineWriter({ url: victoria.url, token: 'unused', org: 'keel', bucket: 'keel' });
    const pass = async (nowMs: number) => {
      const report = await runRetention(
        {
          hot: new InProcessHotCache(),
          logger: silentLogger,
          downsampleCold: (at) =>
            downsampleCold({ rules, victoriaUrl: victoria.url, writeLines, logger: silentLogger }, at),
        },
        nowMs,
      );
      // What a pass wrote is searchable by the next one (VictoriaMetrics makes new points searchable in ~1 s).
      await fetch(`${victoria.url}/internal/force_flush`);
      return report.coldCandlesDownsampled;
    };
    const hourlyStored = async () =>
      (await exportSamples(victoria.url, 'candles_close{timeframe="1h"}')).reduce(
        (sum, series) => sum + series.values.length,
        0,
      );

    // 90 days and half an hour after the 4th day: only the first 4 days' hours are whole and old enough.
    const firstNowMs = firstMs + (90 + DAYS_PAST_CUTOFF_FIRST) * DAY_MS + HOUR_MS / 2;
    expect(await pass(firstNowMs)).toBe(DAYS_PAST_CUTOFF_FIRST * 24 - nativeHours.length);
    expect(await pass(firstNowMs)).toBe(0);
    // Long after: the rest, over more than one chunk of 30 days (most of them empty).
    const laterNowMs = firstMs + (90 + 45) * DAY_MS;
    expect(await pass(laterNowMs)).toBe((DAYS_STORED - DAYS_PAST_CUTOFF_FIRST) * 24);
    expect(await pass(laterNowMs)).toBe(0);

    expect(await hourlyStored()).toBe(hours.length);
    const read = await victoriaExportCandleReader({ url: victoria.url }).read({
      symbol: 'BTC-USDT',
      timeframe: '1h',
      fromMs: firstMs,
      toMs: firstMs + DAYS_STORED * DAY_MS,
    });
    expect(read).toEqual(hours);
  });
});
