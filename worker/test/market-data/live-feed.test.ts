/**
 * The live path through the worker's MarketHub: KEEL_MARKET_SOURCE=ccxt:binance with no data folder picks the
 * ccxt source (and the synthetic market otherwise), and its LiveFeed, polling the real ccxt client against a
 * loopback Binance, hands bots history to warm up on and then each newly closed candle once, as (series, index).
 */
import { readFileSync } from 'node:fs';
import { parseCandlesCsv } from '@keel/core/market/csv.ts';
import { type Candle, type CandleSeries, candleAt } from '@keel/core/market/types.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../../packages/core/test/shared-data.ts';
import { silentLogger } from '../../src/logger.ts';
import { ccxtCandleSource, ccxtExchangesFrom } from '../../src/market/ccxt-candle-source.ts';
import { MarketHub } from '../../src/market/market-hub.ts';
import { candleSourceFor } from '../../src/market/source-for-dir.ts';
import { waitFor } from '../harness.ts';
import { LoopbackKlinesServer } from './loopback-klines-server.ts';

const HOUR_MS = 3_600_000;
const NO_DATA_DIR = '/nonexistent/keel-data';

describe('market source choice', () => {
  it('ccxt when KEEL_MARKET_SOURCE asks and there is no data folder; synthetic otherwise', () => {
    const live = candleSourceFor(NO_DATA_DIR, silentLogger, { KEEL_MARKET_SOURCE: 'ccxt:binance,ccxt:kraken' });
    expect(live.description).toBe(
      'LIVE candles by websocket from ccxt.pro:binance, REST polling from ccxt:binance (fallback ccxt:kraken) when it is down',
    );
    const polled = candleSourceFor(NO_DATA_DIR, silentLogger, {
      KEEL_MARKET_SOURCE: 'ccxt:binance,ccxt:kraken',
      KEEL_MARKET_WS: 'off',
    });
    expect(polled.description).toBe('LIVE candles by REST polling from ccxt:binance (fallback ccxt:kraken)');
    expect(live.liveFeed).toBeTypeOf('function');
    expect(candleSourceFor(NO_DATA_DIR, silentLogger, {}).description).toMatch(/^SYNTHETIC/);
    expect(() => ccxtExchangesFrom('binance')).toThrow(/KEEL_MARKET_SOURCE must be ccxt:<exchange>/);
    expect(ccxtExchangesFrom(undefined)).toBeNull();
  });
});

describe.skipIf(!hasSharedData())('LiveFeed through the MarketHub', () => {
  let server: LoopbackKlinesServer;
  let candles: Candle[];
  beforeAll(async () => {
    const text = readFileSync(dataFile('BTC-USDT_1h.csv'), 'utf8').split('\n').slice(0, 401).join('\n');
    const series = parseCandlesCsv(text, 'BTC-USDT_1h.csv');
    candles = Array.from({ length: series.length }, (_, i) => candleAt(series, i));
    // Candle 300 is forming: 0..299 closed. The first 300 hours of 2018 have no venue holes from 200 on.
    server = new LoopbackKlinesServer(candles, HOUR_MS, (candles[300] as Candle).time + 60_000);
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('warms up on history, then delivers each newly closed candle once, in order', async () => {
    const source = ccxtCandleSource({
      exchangeIds: ['binance'],
      logger: silentLogger,
      env: { KEEL_EXCHANGE_URL_BINANCE: server.url },
      warmupCandles: 100,
      pollMs: 20,
      now: () => server.nowMs,
    });
    const hub = new MarketHub(source, 'max');
    const delivered: { length: number; index: number; candle: Candle }[] = [];
    hub.subscribe('BTC-USDT', '1h', async (series: CandleSeries, index: number) => {
      delivered.push({ length: series.length, index, candle: candleAt(series, index) });
    });
    hub.start();
    const feed = hub.feed('BTC-USDT', '1h');
    await waitFor('the warm-up history', async () => (feed.series.length === 100 ? true : null));
    expect(delivered).toEqual([]);
    expect(candleAt(feed.series, 0)).toEqual(candles[200]);

    server.nowMs = (candles[302] as Candle).time + 1;
    await waitFor('two live candles', async () => (delivered.length === 2 ? true : null));
    server.nowMs = (candles[303] as Candle).time + 1;
    await waitFor('a third', async () => (delivered.length === 3 ? true : null));
    await hub.stop();
    expect(delivered).toEqual([
      { length: 101, index: 100, candle: candles[300] },
      { length: 102, index: 101, candle: candles[301] },
      { length: 103, index: 102, candle: candles[302] },
    ]);
    expect(candleAt(feed.series, 99)).toEqual(candles[299]);
  });
});
