/**
 * Trades for the taker-flow signal from the real ccxt binance client against a loopback Binance (REST
 * /api/v3/aggTrades, market stream `<symbol>@aggTrade`): REST pages taken without a gap or a repeat across equal
 * timestamps at the page edges; the websocket taking over, REST polling while it is down, and the websocket again
 * — every trade counted once; bad venue answers rejected and the reading masked (never the old value passed as
 * fresh) until the venue recovers; and one upstream stream per market however many bots watch it.
 */
import { FeatureEngine } from '@keel/core/features/feature-engine.ts';
import { createSignalVector, signalValue } from '@keel/core/signals/signal-vector.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { ccxtMarketExtras } from '../../src/market/ccxt-market-extras.ts';
import { ccxtTradePages } from '../../src/market/ccxt-trade-pages.ts';
import { CcxtTradeStream } from '../../src/market/ccxt-trade-stream.ts';
import { takerFlowObserver } from '../../src/market/market-extras-from-env.ts';
import { MarketExtrasHub } from '../../src/market/market-extras-hub.ts';
import { TakerFlowStream, type TakerFlowStreamOptions } from '../../src/market/taker-flow-stream.ts';
import { createWorkerMetrics } from '../../src/observability/metrics.ts';
import { waitFor } from '../harness.ts';
import { type LogLine, recordingLogger } from '../recording-logger.ts';
import { LoopbackTradeStreamServer } from './loopback-trade-stream-server.ts';
import { LoopbackTradesServer, type VenueTrade } from './loopback-trades-server.ts';

const T0 = Date.UTC(2026, 10, 26, 8);
const WINDOW_MS = 60_000;
const BTC = 'BTCUSDT';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Deterministic trades: amounts in eighths (sums stay exact), every third a taker sell, runs sharing a ms. */
class TradeTape {
  private nextId = 1_000;
  private readonly rest: LoopbackTradesServer;

  constructor(rest: LoopbackTradesServer) {
    this.rest = rest;
  }

  /** `count` trades of `symbol` spread over (fromMs, toMs], 1–7 per millisecond; added to the venue. */
  addBetween(fromMs: number, toMs: number, count: number, symbol = BTC): VenueTrade[] {
    const added: VenueTrade[] = [];
    for (let at = 0; at < count; at++) {
      const timeMs = fromMs + 1 + Math.floor(((toMs - fromMs - 1) * Math.floor(at / 4) * 4) / count);
      added.push(this.trade(symbol, timeMs));
    }
    return added;
  }

  trade(symbol: string, timeMs: number): VenueTrade {
    const id = this.nextId++;
    const trade = {
      id,
      symbol,
      timeMs,
      price: 30_000 + (id % 13),
      qty: ((id * 7) % 40) / 8 + 0.125,
      takerSold: id % 3 === 0,
    };
    this.rest.trades.push(trade);
    return trade;
  }
}

/** The imbalance of `trades` of `symbol` in (endMs − window, endMs], as the reading must compute it. */
function expectedImbalance(trades: readonly VenueTrade[], endMs: number, symbol = BTC): number {
  let buy = 0;
  let sell = 0;
  for (const trade of trades) {
    if (trade.symbol !== symbol || trade.timeMs <= endMs - WINDOW_MS || trade.timeMs > endMs) continue;
    if (trade.takerSold) sell += trade.qty;
    else buy += trade.qty;
  }
  return (buy - sell) / (buy + sell);
}

async function startRest(): Promise<{ rest: LoopbackTradesServer; tape: TradeTape }> {
  const rest = new LoopbackTradesServer(T0);
  await rest.start();
  cleanups.push(() => rest.stop());
  return { rest, tape: new TradeTape(rest) };
}

async function startWebsocket(): Promise<LoopbackTradeStreamServer> {
  const ws = new LoopbackTradeStreamServer();
  await ws.start();
  cleanups.push(() => ws.stop());
  return ws;
}

function startStream(
  rest: LoopbackTradesServer,
  log: LogLine[],
  options: Partial<TakerFlowStreamOptions> & { wsUrl?: string } = {},
): TakerFlowStream {
  const env = {
    KEEL_EXCHANGE_URL_BINANCE: rest.url,
    ...(options.wsUrl === undefined ? {} : { KEEL_EXCHANGE_WS_URL_BINANCE: options.wsUrl }),
  };
  const logger = recordingLogger(log);
  const stream = new TakerFlowStream({
    symbol: 'BTC-USDT',
    pages: ccxtTradePages({ exchangeId: 'binance', env, retry: { attempts: 1 }, now: () => rest.nowMs }),
    websocket:
      options.wsUrl === undefined
        ? null
        : new CcxtTradeStream({
            exchangeId: 'binance',
            symbol: 'BTC-USDT',
            logger,
            env,
            reconnectMs: 20,
            now: () => rest.nowMs,
          }),
    logger,
    pollMs: 20,
    now: () => rest.nowMs,
    ...options,
  });
  stream.start();
  cleanups.push(() => stream.stop());
  return stream;
}

async function tradesCounted(metrics: ReturnType<typeof createWorkerMetrics>): Promise<Record<string, number>> {
  const counted: Record<string, number> = {};
  for (const { labels, value } of (await metrics.marketTrades.get()).values) counted[String(labels.source)] = value;
  return counted;
}

const sum = (counted: Record<string, number>) => Object.values(counted).reduce((total, n) => total + n, 0);

describe('taker flow from ccxt trades', () => {
  it('pages REST trades from the cursor with no gap and no repeat across equal timestamps', async () => {
    const { rest, tape } = await startRest();
    const trades = tape.addBetween(T0 - 59_000, T0, 2_000);
    const metrics = createWorkerMetrics();
    const observer = takerFlowObserver(metrics);
    const stream = startStream(rest, [], {
      pageLimit: 50,
      maxPagesPerPoll: 100,
      ...(observer === undefined ? {} : { observer }),
    });
    const first = await waitFor('the first minute read', async () => stream.readingAt(T0));
    expect(await tradesCounted(metrics)).toEqual({ rest: 2_000 });
    expect(first).toEqual({ value: expectedImbalance(trades, T0), timeMs: T0 });
    // ≥ 40 pages of 50, each asked from the newest time taken: an edge inside a run of equal timestamps asks it again.
    expect(rest.aggTradesRequests.length).toBeGreaterThanOrEqual(40);

    // More trades, some at the very millisecond the last page ended on.
    trades.push(tape.trade(BTC, T0), tape.trade(BTC, T0), ...tape.addBetween(T0, T0 + 20_000, 331));
    rest.nowMs = T0 + 20_000;
    const next = await waitFor('the next trades', async () => {
      const reading = stream.readingAt(T0 + 20_000);
      return reading?.timeMs === T0 + 20_000 ? reading : null;
    });
    expect(await tradesCounted(metrics)).toEqual({ rest: 2_333 });
    expect(next.value).toBe(expectedImbalance(trades, T0 + 20_000));
    const ages = await metrics.registry.getSingleMetric('keel_taker_flow_age_seconds')?.get();
    expect(ages?.values[0]?.labels).toEqual({ symbol: 'BTC-USDT' });
  });

  it('takes trades by websocket, polls REST while it is down, and takes over again: each trade once', async () => {
    const { rest, tape } = await startRest();
    const ws = await startWebsocket();
    const log: LogLine[] = [];
    const metrics = createWorkerMetrics();
    const observer = takerFlowObserver(metrics);
    const stream = startStream(rest, log, { wsUrl: ws.url, ...(observer === undefined ? {} : { observer }) });
    const trades = tape.addBetween(T0 - 50_000, T0, 100);
    const live = (count: number) => {
      for (let at = 0; at < count; at++) {
        rest.nowMs += 50;
        const trade = tape.trade(BTC, rest.nowMs);
        trades.push(trade);
        ws.pushTrade(trade);
      }
    };
    const logged = (message: string) => log.filter((line) => line.message === message).length;
    const bridged = async (times: number) => {
      await waitFor('the websocket subscribed', async () => (ws.subscribedTo(BTC) === 1 ? true : null));
      await waitFor('the REST bridge', async () => {
        live(1);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return logged('trades by websocket: REST polling paused') >= times ? true : null;
      });
    };

    await bridged(1);
    const requestsWhileStreaming = rest.aggTradesRequests.length;
    live(40);
    await waitFor('40 trades by websocket', async () =>
      sum(await tradesCounted(metrics)) === trades.length ? true : null,
    );
    expect(rest.aggTradesRequests.length).toBe(requestsWhileStreaming);
    const byWebsocket = (await tradesCounted(metrics)).websocket ?? 0;
    expect(byWebsocket).toBeGreaterThanOrEqual(40);

    ws.refusing = true;
    ws.dropConnections();
    await waitFor('the fallback', async () => (logged('trade websocket down: polling REST') === 1 ? true : null));
    rest.nowMs += 1_000;
    trades.push(...tape.addBetween(rest.nowMs - 1_000, rest.nowMs, 30));
    await waitFor('the outage by REST', async () =>
      sum(await tradesCounted(metrics)) === trades.length ? true : null,
    );
    expect((await tradesCounted(metrics)).websocket).toBe(byWebsocket);

    ws.refusing = false;
    await bridged(2);
    live(20);
    await waitFor('every trade', async () => (sum(await tradesCounted(metrics)) === trades.length ? true : null));
    expect((await tradesCounted(metrics)).websocket).toBeGreaterThanOrEqual(byWebsocket + 20);
    expect(stream.readingAt(rest.nowMs)?.value).toBe(expectedImbalance(trades, rest.nowMs));

    // A bad batch on the socket counts as a failed socket: down to REST, which reads the venue's good trades.
    ws.pushEvent(BTC, { a: 1, p: 'NaN', q: '1.00000000', f: 1, l: 1, T: rest.nowMs, m: false, M: true });
    await waitFor('the bad batch', async () => (logged('trade websocket down: polling REST') === 2 ? true : null));
    const down = log.filter((line) => line.message === 'trade websocket down: polling REST')[1];
    expect(String(down?.fields.reason)).toMatch(/ccxt.pro:binance trades of BTC-USDT rejected: unreadable trades/);
    await waitFor('the stream back', async () => (ws.subscribedTo(BTC) === 1 ? true : null));
    expect(sum(await tradesCounted(metrics))).toBe(trades.length);
  });

  it('goes on with the websocket alone when REST fails while it streams, once a window has passed', async () => {
    const { rest, tape } = await startRest();
    const ws = await startWebsocket();
    const log: LogLine[] = [];
    rest.aggTradesOverride = { status: 429, body: '{"code":-1003,"msg":"Too many requests."}' };
    const stream = startStream(rest, log, { wsUrl: ws.url });
    await waitFor('the websocket subscribed', async () => (ws.subscribedTo(BTC) === 1 ? true : null));
    const streamed: VenueTrade[] = [];
    // One trade a second for 70 s of venue time; REST never answers.
    for (let second = 1; second <= 70; second++) {
      rest.nowMs = T0 + second * 1_000;
      const trade = tape.trade(BTC, rest.nowMs);
      streamed.push(trade);
      ws.pushTrade(trade);
      if (second === 1) {
        await waitFor('the start over', async () =>
          log.some((line) => line.message === 'trades of BTC-USDT: starting over') ? true : null,
        );
      }
    }
    const reading = await waitFor('a reading by websocket alone', async () => {
      const at = stream.readingAt(T0 + 70_000);
      return at?.timeMs === T0 + 70_000 ? at : null;
    });
    expect(reading.value).toBe(expectedImbalance(streamed, T0 + 70_000));
    // Before a whole window of websocket trades, nothing is known.
    expect(stream.readingAt(T0 + 60_000)).toBeNull();
  });

  it.each([
    [
      'a price that is no number',
      200,
      [{ a: 9, p: 'abc', q: '1.0', f: 1, l: 1, T: 0, m: false, M: true }],
      /unreadable/,
    ],
    ['a negative amount', 200, [{ a: 9, p: '30000.0', q: '-1.5', f: 1, l: 1, T: 0, m: false, M: true }], /amount -1.5/],
    ['an unknown side', 200, [{ a: 9, p: '30000.0', q: '1.5', f: 1, l: 1, T: 0, M: true }], /side undefined/],
    ['an HTML page', 200, '<html><body>maintenance</body></html>', /rejected: unreadable trades/],
    ['a 503', 503, '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>', /503 Service Unavailable/],
    ['a 500', 500, { code: -1000, msg: 'An unknown error occurred while processing the request.' }, /"code":-1000/],
  ])('masks the reading on %s, and reads again once the venue recovers', async (_, status, body, reason) => {
    const { rest, tape } = await startRest();
    tape.addBetween(T0 - 59_000, T0, 200);
    const log: LogLine[] = [];
    const stream = startStream(rest, log);
    const before = await waitFor('a good reading', async () => stream.readingAt(T0));

    const stamped = (item: unknown) => ({ ...(item as object), T: T0 + 500 });
    const wire = Array.isArray(body) ? body.map(stamped) : body;
    rest.aggTradesOverride = { status, body: typeof wire === 'string' ? wire : JSON.stringify(wire) };
    rest.nowMs = T0 + 1_000;
    const masked = await waitFor(
      'the masked reading',
      async () => log.find((line) => line.message === 'taker flow of BTC-USDT masked') ?? null,
    );
    expect(String(masked.fields.reason)).toMatch(reason);
    expect(stream.readingAt(T0 + 1_000)).toBeNull();
    // What was known before the failure stays what it was.
    expect(stream.readingAt(T0)).toEqual(before);

    rest.aggTradesOverride = null;
    await waitFor('the reading back', async () => stream.readingAt(T0 + 1_000));
    expect(log.filter((line) => line.message === 'taker flow of BTC-USDT back')).toHaveLength(1);
  });

  it("keeps one upstream stream per market however many bots watch it, into each decision's signals", async () => {
    const { rest, tape } = await startRest();
    const ws = await startWebsocket();
    const log: LogLine[] = [];
    const logger = recordingLogger(log);
    const env = { KEEL_EXCHANGE_URL_BINANCE: rest.url, KEEL_EXCHANGE_WS_URL_BINANCE: ws.url };
    const opened: string[] = [];
    const hub = new MarketExtrasHub({
      source: ccxtMarketExtras({ exchangeId: 'binance', env }),
      logger,
      orderBookPollMs: null,
      fundingPollMs: null,
      takerFlow: (symbol) => {
        opened.push(symbol);
        return new TakerFlowStream({
          symbol,
          pages: ccxtTradePages({ exchangeId: 'binance', env, now: () => rest.nowMs }),
          websocket: new CcxtTradeStream({
            exchangeId: 'binance',
            symbol,
            logger,
            env,
            reconnectMs: 20,
            now: () => rest.nowMs,
          }),
          logger,
          pollMs: 20,
          now: () => rest.nowMs,
        });
      },
      now: () => rest.nowMs,
    });
    cleanups.push(() => hub.stop());
    const trades = tape.addBetween(T0 - 59_000, T0, 300);
    trades.push(...tape.addBetween(T0 - 59_000, T0, 100, 'ETHUSDT'));
    const unwatch = [hub.watch('BTC-USDT'), hub.watch('BTC-USDT'), hub.watch('BTC-USDT'), hub.watch('ETH-USDT')];
    expect(opened).toEqual(['BTC-USDT', 'ETH-USDT']);
    await waitFor('both markets subscribed', async () =>
      ws.subscribedTo(BTC) === 1 && ws.subscribedTo('ETHUSDT') === 1 ? true : null,
    );
    const live = tape.trade(BTC, T0 + 10);
    trades.push(live);
    rest.nowMs = T0 + 10;
    ws.pushTrade(live);
    await waitFor('the live trade read', async () =>
      hub.takerFlowAt('BTC-USDT', T0 + 10)?.timeMs === T0 + 10 ? true : null,
    );
    expect(ws.connections).toBe(2);

    const engine = new FeatureEngine({ symbols: ['BTC-USDT', 'ETH-USDT'], candleMs: 3_600_000 });
    const bots = [createSignalVector(), createSignalVector()];
    for (const signals of bots) hub.applyTo(engine, 0, 'BTC-USDT', T0 + 10, signals);
    for (const signals of bots) {
      expect(signalValue(signals, 'taker_flow_imbalance')).toBe(Math.fround(expectedImbalance(trades, T0 + 10)));
    }

    for (const stop of unwatch.slice(0, 2)) stop();
    expect(ws.subscribedTo(BTC)).toBe(1);
    unwatch[2]?.();
    await waitFor('the BTC stream closed', async () => (ws.subscribedTo(BTC) === 0 ? true : null));
    expect(ws.subscribedTo('ETHUSDT')).toBe(1);
    hub.applyTo(engine, 0, 'BTC-USDT', T0 + 10, bots[0]);
    expect(signalValue(bots[0], 'taker_flow_imbalance')).toBeNaN();
  });
});
