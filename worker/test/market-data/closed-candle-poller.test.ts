/**
 * The live candle poller driven by the real ccxt client against loopback Binance venues serving recorded real
 * BTC-USDT 1h candles: closed candles in order and once, the forming one never; a transient gap back-filled before
 * newer candles; a real venue hole (Binance has none for 2018-02-08 01:00–09:00) skipped and reported, not invented;
 * 429s retried without losing a candle; a failing venue replaced by the next source.
 */
import { readFileSync } from 'node:fs';
import { parseCandlesCsv } from '@keel/core/market/csv.ts';
import { type Candle, candleAt } from '@keel/core/market/types.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../../packages/core/test/shared-data.ts';
import { silentLogger } from '../../src/logger.ts';
import { ccxtCandleFetcher } from '../../src/market/ccxt-candle-fetcher.ts';
import { ClosedCandlePoller } from '../../src/market/closed-candle-poller.ts';
import { LoopbackKlinesServer } from './loopback-klines-server.ts';

const HOUR_MS = 3_600_000;
/** The first 1000 real hours of 2018: includes Binance's 33-hour hole from 2018-02-08 01:00. */
const RECORDED = 1000;

function recordedCandles(): Candle[] {
  const series = parseCandlesCsv(
    readFileSync(dataFile('BTC-USDT_1h.csv'), 'utf8')
      .split('\n')
      .slice(0, RECORDED + 1)
      .join('\n'),
    'BTC-USDT_1h.csv',
  );
  return Array.from({ length: series.length }, (_, i) => candleAt(series, i));
}

/** The open times missing between consecutive recorded candles. */
function realHoles(recorded: Candle[]): { fromMs: number; toMs: number }[] {
  const holes: { fromMs: number; toMs: number }[] = [];
  for (let i = 1; i < recorded.length; i++) {
    const previous = (recorded[i - 1] as Candle).time;
    const current = (recorded[i] as Candle).time;
    if (current - previous > HOUR_MS) holes.push({ fromMs: previous + HOUR_MS, toMs: current - HOUR_MS });
  }
  return holes;
}

const servers: LoopbackKlinesServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function venue(candles: Candle[], nowMs: number): Promise<LoopbackKlinesServer> {
  const server = new LoopbackKlinesServer(candles, HOUR_MS, nowMs);
  await server.start();
  servers.push(server);
  return server;
}

function pollerOn(venues: LoopbackKlinesServer[], firstOpenMs: number, now: () => number) {
  const poller = new ClosedCandlePoller({
    symbol: 'BTC-USDT',
    timeframe: '1h',
    fetchers: venues.map((server) =>
      ccxtCandleFetcher({
        exchangeId: 'binance',
        env: { KEEL_EXCHANGE_URL_BINANCE: server.url },
        retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
      }),
    ),
    firstOpenMs,
    logger: silentLogger,
    pageSize: 100,
    now,
  });
  const emitted: Candle[] = [];
  poller.onClosed(async (candle) => {
    emitted.push(candle);
  });
  return { poller, emitted };
}

describe.skipIf(!hasSharedData())('ClosedCandlePoller on ccxt against a loopback Binance', () => {
  const candles = hasSharedData() ? recordedCandles() : [];
  const at = (index: number) => (candles[index] as Candle).time;

  it('emits each closed candle once, in order, equal to the venue’s, and never the forming one', async () => {
    // 30 minutes into candle 300: candles 0..299 have closed, 300 is forming.
    const server = await venue(candles, at(300) + 30 * 60_000);
    const { poller, emitted } = pollerOn([server], at(0), () => server.nowMs);
    expect(await poller.poll()).toBe(300);
    expect(emitted).toEqual(candles.slice(0, 300));
    expect(await poller.poll()).toBe(0);
    server.nowMs = at(301) + 1;
    expect(await poller.poll()).toBe(1);
    expect(emitted).toEqual(candles.slice(0, 301));
  });

  it('back-fills a transient gap before emitting anything newer', async () => {
    const server = await venue(candles, at(200) + 1);
    server.hideOnce(at(150));
    server.hideOnce(at(151));
    const { poller, emitted } = pollerOn([server], at(0), () => server.nowMs);
    await poller.poll();
    expect(emitted.map((c) => c.time)).toEqual(candles.slice(0, 200).map((c) => c.time));
    expect(emitted).toEqual(candles.slice(0, 200));
    // Only the venue's real holes in these 200 hours are reported (one: 2018-01-04 04:00), not the hidden ones.
    expect(poller.unfilledGaps).toEqual(realHoles(candles.slice(0, 200)));
    expect(poller.unfilledGaps).toHaveLength(1);
    const backFill = server.klinesRequests.find((params) => params.get('endTime') === String(at(151)));
    expect(backFill?.get('startTime')).toBe(String(at(150)));
  });

  it('reports a hole the venue really has (Binance 2018-02-08) and goes on after it', async () => {
    const holeFrom = Date.UTC(2018, 1, 8, 1);
    const holeTo = Date.UTC(2018, 1, 9, 9);
    const afterHole = candles.findIndex((c) => c.time > holeTo);
    expect(candles[afterHole - 1]?.time).toBe(holeFrom - HOUR_MS);
    const server = await venue(candles, at(afterHole + 10) + 1);
    const { poller, emitted } = pollerOn([server], at(afterHole - 20), () => server.nowMs);
    await poller.poll();
    expect(emitted).toEqual(candles.slice(afterHole - 20, afterHole + 10));
    expect(poller.unfilledGaps).toContainEqual({ fromMs: holeFrom, toMs: holeTo });
    expect(poller.unfilledGaps).toEqual(realHoles(candles.slice(afterHole - 20, afterHole + 10)));
  });

  it('retries 429s through the shared limiter without losing or repeating a candle', async () => {
    const server = await venue(candles, at(250) + 1);
    const { poller, emitted } = pollerOn([server], at(0), () => server.nowMs);
    server.failNext(2, 429, 0);
    await poller.poll();
    server.nowMs = at(260) + 1;
    server.failNext(1, 429, 1);
    await poller.poll();
    expect(emitted).toEqual(candles.slice(0, 260));
    expect(new Set(emitted.map((c) => c.time)).size).toBe(260);
  });

  it('falls back to the next source when the first keeps failing, and resumes where it stopped', async () => {
    const primary = await venue(candles, at(120) + 1);
    const fallback = await venue(candles, at(120) + 1);
    const { poller, emitted } = pollerOn([primary, fallback], at(0), () => primary.nowMs);
    await poller.poll();
    expect(emitted).toHaveLength(120);
    primary.nowMs = fallback.nowMs = at(180) + 1;
    primary.failNext(100, 503);
    await poller.poll();
    expect(emitted).toEqual(candles.slice(0, 180));
    expect(fallback.klinesRequests.length).toBeGreaterThan(0);
  });

  it('a poll where every source fails throws and emits nothing; the next one resumes from the same candle', async () => {
    const server = await venue(candles, at(50) + 1);
    const { poller, emitted } = pollerOn([server], at(0), () => server.nowMs);
    server.failNext(4, 503);
    await expect(poller.poll()).rejects.toThrow();
    expect(emitted).toEqual([]);
    await poller.poll();
    expect(emitted).toEqual(candles.slice(0, 50));
  });
});

describe.skipIf(!hasSharedData())('ClosedCandlePoller taking candles a stream saw close', () => {
  const candles = hasSharedData() ? recordedCandles() : [];
  const at = (index: number) => (candles[index] as Candle).time;

  it('emits the next candle without asking the venue, and drops one already emitted', async () => {
    const server = await venue(candles, at(20) + 1);
    const { poller, emitted } = pollerOn([server], at(0), () => server.nowMs);
    await poller.poll();
    const requests = server.klinesRequests.length;
    expect(await poller.acceptClosed(candles[20] as Candle)).toBe(1);
    expect(await poller.acceptClosed(candles[20] as Candle)).toBe(0);
    expect(await poller.acceptClosed(candles[5] as Candle)).toBe(0);
    expect(emitted).toEqual(candles.slice(0, 21));
    expect(server.klinesRequests.length).toBe(requests);
  });

  it('back-fills an outage longer than a page, page by page, before the streamed candle', async () => {
    // From hour 210 on the recorded hours have no venue hole; pages are 100 candles.
    const server = await venue(candles, at(561) + 1);
    const { poller, emitted } = pollerOn([server], at(210), () => server.nowMs);
    expect(await poller.acceptClosed(candles[560] as Candle)).toBe(351);
    expect(emitted).toEqual(candles.slice(210, 561));
    expect(poller.unfilledGaps).toEqual([]);
    expect(server.klinesRequests.map((params) => params.get('startTime'))).toEqual(
      [210, 310, 410, 510].map((index) => String(at(index))),
    );
  });

  it('refuses a streamed candle that is not on the timeframe’s open times', async () => {
    const server = await venue(candles, at(10) + 1);
    const { poller } = pollerOn([server], at(0), () => server.nowMs);
    await expect(poller.acceptClosed({ ...(candles[3] as Candle), time: at(3) + 1 })).rejects.toThrow(
      /is not a 1h open time/,
    );
  });
});
