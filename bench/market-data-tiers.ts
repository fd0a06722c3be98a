/**
 * What the market-data tiers cost, on real BTC-USDT 1h candles:
 * 1. the trading path: the synchronous time per closed candle of what MarketDataTiers.watch does (hot-cache push,
 *    not awaited; cold-store queueing). Target p99 < 50 µs. Baseline: the same loop doing nothing. Rows with Redis
 *    and InfluxDB need REDIS_URL / VM_URL (scripts/services.sh), else they are said to be skipped.
 * 2. cold-store throughput: 20,000 candles (100,000 field values) through InfluxSink (queue + line protocol +
 *    batched writes) against the baseline of the bare @influxdata/influxdb-client WriteApi, same points, same run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB, Point } from '@influxdata/influxdb-client';
import { loadCandlesCsv } from '../packages/core/src/market/csv.ts';
import { type Candle, candleAt } from '../packages/core/src/market/types.ts';
import { dataFile, hasSharedData } from '../packages/core/test/shared-data.ts';
import { silentLogger } from '../worker/src/logger.ts';
import type { HotCache } from '../worker/src/storage/hot-cache.ts';
import { InProcessHotCache } from '../worker/src/storage/in-process-hot-cache.ts';
import { InfluxSink } from '../worker/src/storage/influx-sink.ts';
import { RedisHotCache } from '../worker/src/storage/redis-hot-cache.ts';
import type { TimeSeriesSink } from '../worker/src/storage/time-series-sink.ts';
import { formatRate, printTable, verdict } from './table.ts';

const PATH_CANDLES = 5_000;
const THROUGHPUT_CANDLES = 20_000;
const P99_TARGET_US = 50;

function realCandles(count: number): Candle[] {
  const series = loadCandlesCsv(dataFile('BTC-USDT_1h.csv'));
  return Array.from({ length: Math.min(count, series.length) }, (_, i) => candleAt(series, i));
}

function percentilesUs(candles: Candle[], onCandle: (candle: Candle) => void): { p50: number; p99: number } {
  const samples: number[] = [];
  for (const candle of candles) {
    const started = performance.now();
    onCandle(candle);
    samples.push((performance.now() - started) * 1000);
  }
  samples.sort((a, b) => a - b);
  return {
    p50: samples[Math.floor(0.5 * (samples.length - 1))] as number,
    p99: samples[Math.floor(0.99 * (samples.length - 1))] as number,
  };
}

function influxSinkOn(url: string): InfluxSink {
  return new InfluxSink({
    url,
    token: 'bench',
    org: 'keel',
    bucket: 'keel',
    bufferPath: join(mkdtempSync(join(tmpdir(), 'keel-bench-cold-')), 'points.lp'),
    logger: silentLogger,
    flushIntervalMs: 0,
  });
}

async function tradingPathRows(candles: Candle[]): Promise<string[][]> {
  const rows: string[][] = [];
  const baseline = percentilesUs(candles, () => {});
  const row = (name: string, timing: { p50: number; p99: number }) => [
    name,
    timing.p50.toFixed(2),
    timing.p99.toFixed(2),
    `${(timing.p99 / Math.max(baseline.p99, 0.001)).toFixed(0)}×`,
    verdict(timing.p99 < P99_TARGET_US),
  ];
  rows.push(row('baseline: nothing', baseline));
  const measure = async (name: string, hot: HotCache, cold: TimeSeriesSink | null) => {
    const timing = percentilesUs(candles, (candle) => {
      hot.pushCandle('BTC-USDT', '1h', candle).catch(() => {});
      cold?.writeCandle('BTC-USDT', '1h', candle);
    });
    rows.push(row(name, timing));
    await cold?.close();
    await hot.close();
  };
  await measure('in-process hot, no cold (embedded)', new InProcessHotCache(), null);
  if (process.env.REDIS_URL && process.env.VM_URL) {
    const redis = new RedisHotCache({ url: process.env.REDIS_URL, logger: silentLogger });
    await redis.ready();
    await measure('Redis hot + InfluxDB cold (VictoriaMetrics)', redis, influxSinkOn(process.env.VM_URL));
  } else {
    rows.push(['Redis + InfluxDB: skipped (REDIS_URL / VM_URL unset)', '-', '-', '-', '-']);
  }
  return rows;
}

async function throughputRows(candles: Candle[], url: string): Promise<string[][]> {
  const bareStarted = performance.now();
  const writeApi = new InfluxDB({ url, token: 'bench' }).getWriteApi('keel', 'keel', 'ms', {
    batchSize: 5_000,
    flushInterval: 0,
    maxRetries: 0,
  });
  for (const candle of candles) {
    writeApi.writePoint(
      new Point('bench_bare')
        .tag('symbol', 'BTC-USDT')
        .floatField('open', candle.open)
        .floatField('high', candle.high)
        .floatField('low', candle.low)
        .floatField('close', candle.close)
        .floatField('volume', candle.volume)
        .timestamp(new Date(candle.time)),
    );
  }
  await writeApi.close();
  const bareSeconds = (performance.now() - bareStarted) / 1000;

  const sink = influxSinkOn(url);
  const sinkStarted = performance.now();
  for (const candle of candles) sink.writeCandle('BENCH-USDT', '1h', candle);
  await sink.close();
  const sinkSeconds = (performance.now() - sinkStarted) / 1000;
  return [
    ['baseline: bare WriteApi', bareSeconds.toFixed(3), formatRate(candles.length / bareSeconds), '1.00×'],
    [
      'InfluxSink (queue, batches, disk fallback armed)',
      sinkSeconds.toFixed(3),
      formatRate(candles.length / sinkSeconds),
      `${(sinkSeconds / bareSeconds).toFixed(2)}×`,
    ],
  ];
}

export async function benchMarketDataTiers(): Promise<void> {
  if (!hasSharedData()) {
    console.log('\nmarket-data tiers: skipped (no shared data folder)');
    return;
  }
  const candles = realCandles(THROUGHPUT_CANDLES);
  printTable(
    `market-data tiers on the trading path: sync cost per closed candle, ${PATH_CANDLES} real candles (target p99 < ${P99_TARGET_US} µs)`,
    ['tiers', 'p50 µs', 'p99 µs', 'p99 vs baseline', 'target'],
    await tradingPathRows(candles.slice(0, PATH_CANDLES)),
  );
  if (!process.env.VM_URL) {
    console.log('cold-store throughput: skipped (VM_URL unset)');
    return;
  }
  printTable(
    `cold-store writes: ${candles.length} real candles to VictoriaMetrics (InfluxDB line protocol)`,
    ['writer', 'seconds', 'candles/s', 'time vs baseline'],
    await throughputRows(candles, process.env.VM_URL),
  );
}
