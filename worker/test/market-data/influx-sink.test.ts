/**
 * The cold tier on a real VictoriaMetrics (InfluxDB line protocol over /api/v2/write, the real
 * @influxdata/influxdb-client): real candles and equity points reach it and read back through the export API;
 * with the store stopped mid-run the points go to the disk buffer, and after a restart every point is there
 * exactly once; a full buffer refuses points and says so.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCandlesCsv } from '@keel/core/market/csv.ts';
import { type Candle, candleAt } from '@keel/core/market/types.ts';
import { victoriaExportCandleReader } from '@keel/db/cold-tier/victoria-export-reader.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../../packages/core/test/shared-data.ts';
import { silentLogger } from '../../src/logger.ts';
import { InfluxSink } from '../../src/storage/influx-sink.ts';
import { exportSamples, missingService, OwnService, waitForSampleCount } from './own-services.ts';

const skipReason = missingService('VM_URL') ?? (hasSharedData() ? null : 'no shared market data');

/** 500 real hours from 2018: far older than the warm tier's 30 days. */
function realCandles(count: number): Candle[] {
  const text = readFileSync(dataFile('BTC-USDT_1h.csv'), 'utf8')
    .split('\n')
    .slice(0, count + 1)
    .join('\n');
  const series = parseCandlesCsv(text, 'BTC-USDT_1h.csv');
  return Array.from({ length: series.length }, (_, i) => candleAt(series, i));
}

const newBufferPath = () => join(mkdtempSync(join(tmpdir(), 'keel-cold-buffer-')), 'points.lp');

function sinkOn(url: string, maxBufferBytes?: number, bufferPath = newBufferPath()): InfluxSink {
  return new InfluxSink({
    url,
    token: 'unused-by-victoria-metrics',
    org: 'keel',
    bucket: 'keel',
    bufferPath,
    logger: silentLogger,
    flushIntervalMs: 0,
    timeoutMs: 2_000,
    ...(maxBufferBytes === undefined ? {} : { maxBufferBytes }),
  });
}

/** A market name of its own per test, so reruns against the same store never meet old points. */
const uniqueSymbol = () => `T${randomUUID().slice(0, 8).toUpperCase()}-USDT`;

describe.skipIf(skipReason !== null)(`cold tier on VictoriaMetrics ${skipReason ?? ''}`, () => {
  const candles = skipReason === null ? realCandles(500) : [];

  it('candles and equity points reach the store and read back exactly', async () => {
    const url = process.env.VM_URL as string;
    const sink = sinkOn(url);
    const symbol = uniqueSymbol();
    const botId = randomUUID();
    for (const candle of candles) sink.writeCandle(symbol, '1h', candle);
    candles.forEach((candle, i) => {
      sink.writeEquity({ botId, timeMs: candle.time, equityQuote: `${10000 + i}.25`, cashQuote: '5000.5' });
    });
    await sink.close();
    expect(sink.counters).toEqual({ written: 1000, buffered: 0, dropped: 0 });

    await waitForSampleCount(url, `candles_close{symbol="${symbol}"}`, candles.length);
    const read = await victoriaExportCandleReader({ url }).read({
      symbol,
      timeframe: '1h',
      fromMs: (candles[0] as Candle).time,
      toMs: (candles[candles.length - 1] as Candle).time,
    });
    expect(read).toEqual(candles);
    const middle = await victoriaExportCandleReader({ url }).read({
      symbol,
      timeframe: '1h',
      fromMs: (candles[100] as Candle).time,
      toMs: (candles[199] as Candle).time,
    });
    expect(middle).toEqual(candles.slice(100, 200));

    await waitForSampleCount(url, `equity_equity_quote{bot_id="${botId}"}`, candles.length);
    const [equity] = await exportSamples(url, `equity_equity_quote{bot_id="${botId}"}`);
    expect(equity?.timestamps).toEqual(candles.map((c) => c.time));
    expect(equity?.values).toEqual(candles.map((_, i) => 10000 + i + 0.25));
  });

  describe('with the store stopped mid-run', () => {
    let store: OwnService;
    beforeAll(async () => {
      store = await OwnService.victoriaMetrics();
    });
    afterAll(async () => {
      await store?.stop();
    });

    it('buffers on disk, replays when the store is back, and every point is there exactly once', async () => {
      const sink = sinkOn(store.url);
      const symbol = uniqueSymbol();
      const [before, during, after] = [candles.slice(0, 100), candles.slice(100, 300), candles.slice(300, 500)];
      for (const candle of before) sink.writeCandle(symbol, '1h', candle);
      await sink.flush();
      expect(sink.counters.written).toBe(100);

      await store.stop();
      for (const candle of during.slice(0, 120)) sink.writeCandle(symbol, '1h', candle);
      await sink.flush();
      for (const candle of during.slice(120)) sink.writeCandle(symbol, '1h', candle);
      await sink.flush();
      expect(sink.counters).toEqual({ written: 100, buffered: 200, dropped: 0 });
      expect(sink.buffer.lines()).toHaveLength(200);
      expect(sink.buffer.lines()[0]).toContain(`close=${(during[0] as Candle).close}`);

      await store.start();
      for (const candle of after) sink.writeCandle(symbol, '1h', candle);
      await sink.close();
      expect(sink.buffer.isEmpty).toBe(true);
      // The 200 points made after the restart queued behind the buffer (order kept), then went out with it.
      expect(sink.counters).toEqual({ written: 500, buffered: 400, dropped: 0 });

      await waitForSampleCount(store.url, `candles_close{symbol="${symbol}"}`, 500);
      const [close] = await exportSamples(store.url, `candles_close{symbol="${symbol}"}`);
      expect(close?.timestamps).toEqual(candles.map((c) => c.time));
      const read = await victoriaExportCandleReader({ url: store.url }).read({
        symbol,
        timeframe: '1h',
        fromMs: 0,
        toMs: (candles[499] as Candle).time,
      });
      expect(read).toEqual(candles);
    });

    it('a worker that dies during the outage: the next one replays the buffer it left on disk', async () => {
      const bufferPath = newBufferPath();
      const symbol = uniqueSymbol();
      await store.stop();
      const dying = sinkOn(store.url, undefined, bufferPath);
      for (const candle of candles.slice(0, 150)) dying.writeCandle(symbol, '1h', candle);
      await dying.flush();
      expect(dying.counters.buffered).toBe(150);
      await store.start();
      const next = sinkOn(store.url, undefined, bufferPath);
      for (const candle of candles.slice(150, 200)) next.writeCandle(symbol, '1h', candle);
      await next.close();
      expect(next.buffer.isEmpty).toBe(true);
      await waitForSampleCount(store.url, `candles_close{symbol="${symbol}"}`, 200);
      const [close] = await exportSamples(store.url, `candles_close{symbol="${symbol}"}`);
      expect(close?.timestamps).toEqual(candles.slice(0, 200).map((c) => c.time));
    });

    it('a full disk buffer refuses the batch, counts it, and keeps what it already holds', async () => {
      const sink = sinkOn(store.url, 4_000);
      const symbol = uniqueSymbol();
      await store.stop();
      for (const candle of candles.slice(0, 10)) sink.writeCandle(symbol, '1h', candle);
      await sink.flush();
      for (const candle of candles.slice(10, 200)) sink.writeCandle(symbol, '1h', candle);
      await sink.flush();
      expect(sink.counters).toEqual({ written: 0, buffered: 10, dropped: 190 });
      await store.start();
      await sink.close();
      expect(sink.counters.written).toBe(10);
      expect(await waitForSampleCount(store.url, `candles_close{symbol="${symbol}"}`, 10)).toBe(10);
    });
  });
});
