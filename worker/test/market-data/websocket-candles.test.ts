/**
 * Live candles by websocket through the MarketHub: the real ccxt.pro binance client connected to a loopback Binance
 * market stream (kline events in Binance's wire format) playing recorded real BTC-USDT minutes, with REST polling
 * of a loopback Binance REST venue as the fallback. Closed candles reach the bots once each, in order, equal to
 * the venue's; a dropped socket or a stalled one falls back to REST polling, and the stream takes over again when
 * it recovers — with no gap and no duplicate across the switches.
 */
import { readFileSync } from 'node:fs';
import { parseCandlesCsv } from '@keel/core/market/csv.ts';
import { type Candle, type CandleSeries, candleAt } from '@keel/core/market/types.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../../packages/core/test/shared-data.ts';
import { ccxtCandleSource } from '../../src/market/ccxt-candle-source.ts';
import { MarketHub } from '../../src/market/market-hub.ts';
import { waitFor } from '../harness.ts';
import { type LogLine, recordingLogger } from '../recording-logger.ts';
import { LoopbackKlineStreamServer } from './loopback-kline-stream-server.ts';
import { LoopbackKlinesServer } from './loopback-klines-server.ts';

const MINUTE_MS = 60_000;
const RECORDED = 200;
const WARMUP = 50;
/** Candles 0..99 have closed when the test starts; 100 is forming. */
const FIRST_LIVE = 100;
const VENUE_SYMBOL = 'BTCUSDT';

function recordedMinutes(): Candle[] {
  const text = readFileSync(dataFile('BTC-USDT_1m.csv'), 'utf8')
    .split('\n')
    .slice(0, RECORDED + 1)
    .join('\n');
  const series = parseCandlesCsv(text, 'BTC-USDT_1m.csv');
  return Array.from({ length: series.length }, (_, i) => candleAt(series, i));
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.skipIf(!hasSharedData())('websocket candles with REST polling as fallback', () => {
  const candles = hasSharedData() ? recordedMinutes() : [];
  const candle = (index: number) => candles[index] as Candle;

  /** Both loopback venues, and a hub on them whose market BTC-USDT 1m has warmed up on REST history. */
  async function liveMarket(options: { stallMs: number; combined?: boolean }) {
    const rest = new LoopbackKlinesServer(candles, MINUTE_MS, candle(FIRST_LIVE).time + 1_000);
    await rest.start();
    cleanups.push(() => rest.stop());
    const stream = new LoopbackKlineStreamServer({
      interval: '1m',
      candleMs: MINUTE_MS,
      ...(options.combined === undefined ? {} : { combined: options.combined }),
    });
    await stream.start();
    cleanups.push(() => stream.stop());

    const log: LogLine[] = [];
    const source = ccxtCandleSource({
      exchangeIds: ['binance'],
      logger: recordingLogger(log),
      env: { KEEL_EXCHANGE_URL_BINANCE: rest.url, KEEL_EXCHANGE_WS_URL_BINANCE: stream.url },
      warmupCandles: WARMUP,
      pollMs: 20,
      now: () => rest.nowMs,
      stream: { stallMs: options.stallMs, reconnectMs: 20, maxReconnectMs: 100 },
    });
    const hub = new MarketHub(source, 'max');
    cleanups.push(() => hub.stop());
    const delivered: Candle[] = [];
    hub.subscribe('BTC-USDT', '1m', async (series: CandleSeries, index: number) => {
      delivered.push(candleAt(series, index));
    });
    hub.start();
    const feed = hub.feed('BTC-USDT', '1m');
    await waitFor('the warm-up history', async () => (feed.series.length === WARMUP ? true : null));

    const logged = (message: string) => log.filter((line) => line.message === message);
    const websocketUps = () => logged('candles by websocket: REST polling only catches up').length;

    /** Pushes the forming candle until the stream reports itself up (again): a reconnect takes a few tries. */
    async function websocketUp(formingIndex: number): Promise<void> {
      const before = websocketUps();
      await waitFor('the websocket up', async () => {
        stream.openCandle(VENUE_SYMBOL, candle(formingIndex));
        return websocketUps() > before ? true : null;
      });
    }

    /** The minute `index` ends on both venues: its final kline, the next one's first update, REST's clock. */
    async function closeMinute(index: number): Promise<void> {
      rest.nowMs = candle(index + 1).time + 1_000;
      stream.push(VENUE_SYMBOL, candle(index), true);
      stream.openCandle(VENUE_SYMBOL, candle(index + 1));
      await waitFor(`candle ${index} delivered`, async () =>
        delivered.at(-1)?.time === candle(index).time ? true : null,
      );
    }

    /** The minute `index` ends on the REST venue only (the stream is down): a poll round must bring it. */
    async function closeMinuteForRestOnly(index: number): Promise<void> {
      rest.nowMs = candle(index + 1).time + 1_000;
      await waitFor(`candle ${index} polled`, async () =>
        delivered.at(-1)?.time === candle(index).time ? true : null,
      );
    }

    return { rest, stream, source, delivered, logged, websocketUp, closeMinute, closeMinuteForRestOnly };
  }

  it('delivers each closed candle once, in order, equal to the venue’s, with no REST request', async () => {
    const market = await liveMarket({ stallMs: 30_000 });
    expect(market.source.description).toBe(
      'LIVE candles by websocket from ccxt.pro:binance, REST polling from ccxt:binance when it is down',
    );
    await market.websocketUp(FIRST_LIVE);
    const restRequests = market.rest.klinesRequests.length;
    for (let index = FIRST_LIVE; index < FIRST_LIVE + 10; index++) await market.closeMinute(index);
    expect(market.delivered).toEqual(candles.slice(FIRST_LIVE, FIRST_LIVE + 10));
    expect(market.rest.klinesRequests.length).toBe(restRequests);
    expect(market.stream.connections).toBe(1);
  });

  it('reads combined-stream events ({stream, data}) alike', async () => {
    const market = await liveMarket({ stallMs: 30_000, combined: true });
    await market.websocketUp(FIRST_LIVE);
    for (let index = FIRST_LIVE; index < FIRST_LIVE + 3; index++) await market.closeMinute(index);
    expect(market.delivered).toEqual(candles.slice(FIRST_LIVE, FIRST_LIVE + 3));
  });

  it('back-fills by REST a candle the socket never closed, before the next one', async () => {
    const market = await liveMarket({ stallMs: 30_000 });
    await market.websocketUp(FIRST_LIVE);
    // Minute 101 never shows on the socket: 100's final update, then 102 starts and closes.
    market.rest.nowMs = candle(FIRST_LIVE + 3).time + 1_000;
    market.stream.push(VENUE_SYMBOL, candle(FIRST_LIVE), true);
    market.stream.openCandle(VENUE_SYMBOL, candle(FIRST_LIVE + 2));
    await market.closeMinute(FIRST_LIVE + 2);
    expect(market.delivered).toEqual(candles.slice(FIRST_LIVE, FIRST_LIVE + 3));
    const backFill = market.rest.klinesRequests.at(-1);
    expect(backFill?.get('startTime')).toBe(String(candle(FIRST_LIVE + 1).time));
    expect(backFill?.get('endTime')).toBe(String(candle(FIRST_LIVE + 1).time));
  });

  it('falls back to REST polling when the socket drops mid-candle, and returns to it: no gap, no duplicate', async () => {
    const market = await liveMarket({ stallMs: 30_000 });
    await market.websocketUp(FIRST_LIVE);
    for (let index = FIRST_LIVE; index < FIRST_LIVE + 3; index++) await market.closeMinute(index);

    market.stream.refusing = true;
    market.stream.dropConnections();
    await waitFor('the fallback', async () =>
      market.logged('candle websocket down: falling back to REST polling').length === 1 ? true : null,
    );
    for (let index = FIRST_LIVE + 3; index < FIRST_LIVE + 8; index++) await market.closeMinuteForRestOnly(index);

    market.stream.refusing = false;
    // The new socket's first kline is 107, which REST polling already delivered: its close must not repeat it.
    await market.websocketUp(FIRST_LIVE + 7);
    const restRequests = market.rest.klinesRequests.length;
    for (let index = FIRST_LIVE + 8; index < FIRST_LIVE + 12; index++) {
      if (index === FIRST_LIVE + 8) market.stream.push(VENUE_SYMBOL, candle(FIRST_LIVE + 7), true);
      await market.closeMinute(index);
    }

    expect(market.delivered).toEqual(candles.slice(FIRST_LIVE, FIRST_LIVE + 12));
    expect(market.rest.klinesRequests.length).toBe(restRequests);
    expect(market.stream.connections).toBeGreaterThan(1);
  });

  it('falls back to REST polling when the socket stalls past the deadline, and returns when it speaks again', async () => {
    const market = await liveMarket({ stallMs: 500 });
    await market.websocketUp(FIRST_LIVE);
    for (let index = FIRST_LIVE; index < FIRST_LIVE + 2; index++) await market.closeMinute(index);

    market.stream.stalled = true;
    const [fallback] = await waitFor('the fallback', async () => {
      const lines = market.logged('candle websocket down: falling back to REST polling');
      return lines.length > 0 ? lines : null;
    });
    expect(fallback?.fields.reason).toBe('no websocket message for 500 ms');
    for (let index = FIRST_LIVE + 2; index < FIRST_LIVE + 6; index++) await market.closeMinuteForRestOnly(index);

    market.stream.stalled = false;
    await market.websocketUp(FIRST_LIVE + 6);
    const restRequests = market.rest.klinesRequests.length;
    for (let index = FIRST_LIVE + 6; index < FIRST_LIVE + 8; index++) await market.closeMinute(index);

    expect(market.delivered).toEqual(candles.slice(FIRST_LIVE, FIRST_LIVE + 8));
    expect(market.rest.klinesRequests.length).toBe(restRequests);
  });
});
