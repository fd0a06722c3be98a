/**
 * Order books and funding rates from the real ccxt client against a loopback Binance (spot /api/v3/depth, USDⓈ-M
 * /fapi/v1/premiumIndex), through the MarketExtrasHub into a FeatureEngine as a bot feeds it (applyTo, then the
 * candle): fresh readings are in the candle's vector, a reading taken after the close is not, stale ones and a
 * failing or lying venue are masked (and logged with the reason), and a market is polled once however many bots
 * watch it.
 */

import { FeatureEngine } from '@keel/core/features/feature-engine.ts';
import { FEATURE_INDEX } from '@keel/core/features/feature-names.ts';
import { seriesFromCandles } from '@keel/core/market/types.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ccxtMarketExtras } from '../../src/market/ccxt-market-extras.ts';
import { MarketExtrasHub } from '../../src/market/market-extras-hub.ts';
import { waitFor } from '../harness.ts';
import { type LogLine, recordingLogger } from '../recording-logger.ts';
import { LoopbackMarketExtrasServer } from './loopback-market-extras-server.ts';

const HOUR_MS = 3_600_000;
const SYMBOLS = ['BTC-USDT', 'ETH-USDT'];
const BTC = 0;
const ETH = 1;
/** Open of the candle the tests decide on; it closes an hour later. */
const OPEN_MS = Date.UTC(2026, 10, 26, 7);
const CLOSE_MS = OPEN_MS + HOUR_MS;
const FAST_POLL_MS = 20;
/** Long enough that a test sees only the poll made when the first bot watches. */
const ONE_POLL_MS = 3_600_000;

/** The vector of `symbol`'s candle opening at `openMs`, fed as the bot does: extras for its close, then the candle. */
function vectorAt(hub: MarketExtrasHub, symbolIndex: number, openMs: number): Float32Array {
  const engine = new FeatureEngine({ symbols: SYMBOLS, candleMs: HOUR_MS });
  const symbol = SYMBOLS[symbolIndex] as string;
  hub.applyTo(engine, symbolIndex, symbol, openMs + HOUR_MS);
  const series = seriesFromCandles(symbol, [{ time: openMs, open: 100, high: 101, low: 99, close: 100, volume: 5 }]);
  return engine.update(symbolIndex, series, 0).slice();
}

function extrasOf(vector: Float32Array) {
  return {
    imbalance: vector[FEATURE_INDEX.order_book_imbalance],
    bookAvailable: vector[FEATURE_INDEX.order_book_available],
    funding: vector[FEATURE_INDEX.funding_rate],
    fundingAvailable: vector[FEATURE_INDEX.funding_available],
  };
}

let server: LoopbackMarketExtrasServer;
let logLines: LogLine[];
let hub: MarketExtrasHub | null = null;

function startHub(pollMs: number): MarketExtrasHub {
  const now = () => server.nowMs;
  const source = ccxtMarketExtras({
    exchangeId: 'binance',
    env: { KEEL_EXCHANGE_URL_BINANCE: server.url },
    retry: { attempts: 2, baseDelayMs: 1 },
    now,
  });
  hub = new MarketExtrasHub({
    source,
    logger: recordingLogger(logLines),
    orderBookPollMs: pollMs,
    fundingPollMs: pollMs,
    now,
  });
  return hub;
}

/** Waits for a poll of both readings of `symbol` made at the venue's present time. */
async function pollAtNow(symbol: string, funding = true): Promise<void> {
  await waitFor(`readings of ${symbol} at ${server.nowMs}`, async () => {
    const book = hub?.readingAt('order book', symbol, server.nowMs);
    const rate = funding ? hub?.readingAt('funding rate', symbol, server.nowMs) : book;
    return book?.timeMs === server.nowMs && rate?.timeMs === server.nowMs ? true : null;
  });
}

beforeAll(async () => {
  server = new LoopbackMarketExtrasServer(CLOSE_MS - 10_000);
  await server.start();
});
afterAll(async () => {
  await server.stop();
});
afterEach(async () => {
  await hub?.stop();
  hub = null;
  server.depthOverride = null;
  server.premiumIndexOverride = null;
  server.nowMs = CLOSE_MS - 10_000;
});

function setBooks(): void {
  // BTC: 4 bid vs 2 ask over the top levels → +1/3; ETH: 1 vs 3 → −1/2.
  server.books.set('BTCUSDT', {
    bids: [
      [100, 3],
      [99.9, 1],
    ],
    asks: [
      [100.1, 1],
      [100.2, 1],
    ],
  });
  server.books.set('ETHUSDT', { bids: [[10, 1]], asks: [[10.01, 3]] });
  server.fundingRate = 0.0003;
}

describe('market extras into the features', () => {
  beforeAll(() => {
    logLines = [];
  });

  it("puts the imbalance and funding known at the candle's close in its vector, not what came after", async () => {
    setBooks();
    startHub(FAST_POLL_MS).watch('BTC-USDT');
    await pollAtNow('BTC-USDT');
    // The bot gets the closed candle a few seconds late; the book has moved meanwhile.
    server.nowMs = CLOSE_MS + 3_000;
    server.books.set('BTCUSDT', { bids: [[100, 1]], asks: [[100.1, 9]] });
    server.fundingRate = -0.0005;
    await pollAtNow('BTC-USDT');

    const atClose = extrasOf(vectorAt(hub as MarketExtrasHub, BTC, OPEN_MS));
    expect(atClose.imbalance).toBeCloseTo(1 / 3, 6);
    expect(atClose.bookAvailable).toBe(1);
    expect(atClose.funding).toBeCloseTo(0.3, 6); // 0.03 % per interval / FUNDING_RATE_SCALE (0.1 %)
    expect(atClose.fundingAvailable).toBe(1);
    // A decision 10 s later sees the newer readings.
    const next = extrasOf(vectorAt(hub as MarketExtrasHub, BTC, OPEN_MS + 10_000));
    expect(next.imbalance).toBeCloseTo(-0.8, 6);
    expect(next.funding).toBeCloseTo(-0.5, 6);
  });

  it('masks readings older than their max age: an order book after 60 s, a funding rate after 9 h', async () => {
    setBooks();
    server.nowMs = CLOSE_MS - 61_000;
    startHub(ONE_POLL_MS).watch('BTC-USDT');
    await pollAtNow('BTC-USDT');
    const stale = extrasOf(vectorAt(hub as MarketExtrasHub, BTC, OPEN_MS));
    expect(stale).toMatchObject({ imbalance: 0, bookAvailable: 0, fundingAvailable: 1 });
    expect(stale.funding).toBeCloseTo(0.3, 6);
    const nineHoursOn = extrasOf(vectorAt(hub as MarketExtrasHub, BTC, OPEN_MS + 9 * HOUR_MS));
    expect(nineHoursOn).toEqual({ imbalance: 0, bookAvailable: 0, funding: 0, fundingAvailable: 0 });
  });

  it('a market without a perpetual has its order book and a masked funding rate, said once in the log', async () => {
    setBooks();
    const started = startHub(FAST_POLL_MS);
    started.watch('ETH-USDT');
    await pollAtNow('ETH-USDT', false);
    const ethPolls = () => server.depthRequests.filter((params) => params.get('symbol') === 'ETHUSDT').length;
    await waitFor('more polls', async () => (ethPolls() >= 3 ? true : null));
    expect(extrasOf(vectorAt(started, ETH, OPEN_MS))).toEqual({
      imbalance: -0.5,
      bookAvailable: 1,
      funding: 0,
      fundingAvailable: 0,
    });
    const said = logLines.filter((line) => line.fields.symbol === 'ETH-USDT' && line.fields.feature === 'funding rate');
    expect(said.map((line) => [line.level, line.fields.reason])).toEqual([
      ['warn', 'the venue lists no perpetual for ETH-USDT'],
    ]);
    expect(server.premiumIndexRequests.some((params) => params.get('symbol') === 'ETHUSDT')).toBe(false);
  });
});

describe('a failing or lying venue', () => {
  beforeAll(() => {
    logLines = [];
  });

  it.each([
    [{ status: 500, body: '{"code":-1000,"msg":"An unknown error occurred while processing the request."}' }, /-1000/],
    [{ status: 200, body: '{"lastUpdateId":1,"bids":[["100.2","1"]],"asks":[["100.1","1"]]}' }, /crossed book/],
    [{ status: 200, body: '{"lastUpdateId":1,"bids":[["100","-4"]],"asks":[["100.1","1"]]}' }, /quantity -4/],
    [
      { status: 200, body: '{"lastUpdateId":1,"bids":[["NaN","1"]],"asks":[["100.1","1"]]}' },
      /bids\[0\] price undefined/,
    ],
    [{ status: 200, body: '{"lastUpdateId":1,"asks":[["100.1","1"]]}' }, /no bids/],
    [{ status: 200, body: '<html>gateway</html>' }, /rejected: no bids/],
  ])('masks the order book on %j and logs why, then takes it back when the venue recovers', async (answer, reason) => {
    logLines.length = 0;
    setBooks();
    const started = startHub(FAST_POLL_MS);
    started.watch('BTC-USDT');
    server.nowMs = CLOSE_MS - 40_000;
    await pollAtNow('BTC-USDT');
    server.nowMs = CLOSE_MS - 20_000;
    server.depthOverride = answer;
    await waitFor('the rejection in the log', async () =>
      logLines.some((line) => line.level === 'warn' && line.fields.feature === 'order book') ? true : null,
    );
    const warning = logLines.find((line) => line.level === 'warn') as LogLine;
    expect(warning.message).toBe('order book of BTC-USDT masked');
    expect(String(warning.fields.reason)).toMatch(reason);
    // The good reading 40 s before the close is still within the max age, but the venue broke after it: masked.
    const masked = extrasOf(vectorAt(started, BTC, OPEN_MS));
    expect(masked).toMatchObject({ imbalance: 0, bookAvailable: 0, fundingAvailable: 1 });

    server.depthOverride = null;
    server.nowMs = CLOSE_MS - 5_000;
    await pollAtNow('BTC-USDT');
    expect(extrasOf(vectorAt(started, BTC, OPEN_MS)).bookAvailable).toBe(1);
    expect(logLines.filter((line) => line.level === 'warn')).toHaveLength(1);
    expect(logLines.some((line) => line.level === 'info' && line.message === 'order book of BTC-USDT back')).toBe(true);
  });

  it.each([
    [{ status: 200, body: '{"symbol":"BTCUSDT","markPrice":"1","time":TIME}' }, /funding rate missing/],
    [{ status: 200, body: '{"symbol":"BTCUSDT","lastFundingRate":"0.9","time":TIME}' }, /beyond ±0.1/],
    [{ status: 503, body: 'Service Unavailable' }, /premiumIndex\?symbol=BTCUSDT 503 Service Unavailable/],
  ])('masks the funding rate on %j and logs why', async (answer, reason) => {
    logLines.length = 0;
    setBooks();
    server.premiumIndexOverride = { status: answer.status, body: answer.body.replace('TIME', String(server.nowMs)) };
    const started = startHub(FAST_POLL_MS);
    started.watch('BTC-USDT');
    await waitFor('the rejection in the log', async () =>
      logLines.some((line) => line.fields.feature === 'funding rate') ? true : null,
    );
    expect(String((logLines.find((line) => line.fields.feature === 'funding rate') as LogLine).fields.reason)).toMatch(
      reason,
    );
    await pollAtNow('BTC-USDT', false);
    expect(extrasOf(vectorAt(started, BTC, OPEN_MS))).toMatchObject({
      bookAvailable: 1,
      funding: 0,
      fundingAvailable: 0,
    });
  });
});

describe('sharing', () => {
  it('polls a market once however many bots watch it, and stops when the last one leaves', async () => {
    setBooks();
    const depthBefore = server.depthRequests.length;
    const fundingBefore = server.premiumIndexRequests.length;
    const started = startHub(ONE_POLL_MS);
    const watches = Array.from({ length: 25 }, () => started.watch('BTC-USDT'));
    await pollAtNow('BTC-USDT');
    expect(server.depthRequests.length - depthBefore).toBe(1);
    expect(server.premiumIndexRequests.length - fundingBefore).toBe(1);
    for (const unwatch of watches.slice(1)) unwatch();
    expect(started.readingAt('order book', 'BTC-USDT', server.nowMs)).not.toBeNull();
    (watches[0] as () => void)();
    expect(started.readingAt('order book', 'BTC-USDT', server.nowMs)).toBeNull();
  });
});
