/**
 * A live bot's user-data stream: the loopback Binance simulator pushes executionReport / listStatus events on its
 * WebSocket API as ccxt.pro's binance subscribes to them (userDataStream.subscribe.signature), the real ccxt client
 * parses them, and the bot records what they report between candles through the polling path's own code. Real
 * BTC-USDT 1h candles drive a trend follower into a position protected by an OCO list; a test then moves the
 * simulator's price through the stop. Each test has its own simulator, user and bot, in a PostgreSQL database of
 * this file's own; nothing here waits on a clock except for something to happen (with a generous limit).
 */

import { formatDecimal } from '@keel/core/money/format.ts';
import { inProcessBus } from '@keel/realtime';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hasSharedData } from '../../packages/core/test/shared-data.ts';
import { userDataStreamChoice } from '../src/exchange/user-data-streams.ts';
import { startWorker } from '../src/worker.ts';
import type { SimulatedOrder } from './exchange-simulator/simulated-account.ts';
import { newUser, realCandleSlice } from './harness.ts';
import {
  newLiveBot,
  newSimulator,
  openExclusiveDatabase,
  SIMULATOR_API_KEY,
  SIMULATOR_SECRET,
  testVenueSettings,
} from './live-fixtures.ts';
import { LiveWorld, type UserDataStreamWorld } from './live-world.ts';
import { type LogLine, recordingLogger } from './recording-logger.ts';

const exclusive = hasSharedData() ? await openExclusiveDatabase('live_user_data') : null;
if (exclusive === null) {
  console.warn('live-user-data.test.ts skipped: DATABASE_URL is not set or the shared data is missing');
}

afterAll(async () => {
  await exclusive?.database.close();
});

/** How long something the stream should bring about may take before the test gives up (not a speed target). */
const PATIENCE_MS = 30_000;

async function until(what: string, done: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(exclusive === null)('live user-data stream: order updates between candles', () => {
  const database = exclusive?.database as NonNullable<typeof exclusive>['database'];
  const worlds: LiveWorld[] = [];
  const lines: LogLine[] = [];

  afterEach(async () => {
    for (const world of worlds.splice(0)) {
      world.unwatchStream();
      await world.runner?.drain();
      await world.simulator.stop();
    }
  });

  async function world(label: string, extras: UserDataStreamWorld = {}): Promise<LiveWorld> {
    const started = await LiveWorld.start(database, label, {
      userDataStream: { logger: recordingLogger(lines), streamReconnectBaseMs: 20, ...extras },
    });
    worlds.push(started);
    return started;
  }

  /** Feeds candles until the entry filled and its OCO list works; returns the list's stop leg, stream listening. */
  async function enteredWithStop(live: LiveWorld): Promise<SimulatedOrder> {
    await live.feedUntil('entry', () => live.entered());
    await live.feed();
    const list = live.simulator.account.orderLists.find((candidate) => candidate.listStatusType === 'EXEC_STARTED');
    if (list === undefined) throw new Error('no OCO list after the entry');
    const stop = live.simulator.account.legsOf(list)[1] as SimulatedOrder;
    // Subscribed, and the bot asked about its working orders once the stream was up (it now vouches for them).
    const asked = asksFor(live, stop.clientOrderId);
    await until(
      'the stream up',
      () => live.simulator.userData.subscribers > 0 && asksFor(live, stop.clientOrderId) > asked,
    );
    await live.runner?.drain();
    return stop;
  }

  const belowStop = (stop: SimulatedOrder) => (Number(formatDecimal(stop.stopPrice)) * 0.99).toFixed(2);
  const fillsOf = async (live: LiveWorld, clientOrderId: string) =>
    (await live.fills()).filter((fill) => fill.clientOrderId === clientOrderId);
  const asksFor = (live: LiveWorld, clientOrderId: string) =>
    live.simulator.calls.filter(
      (call) =>
        call.method === 'GET' &&
        call.path === '/api/v3/order' &&
        call.params.get('origClientOrderId') === clientOrderId,
    ).length;
  const logged = (text: string) =>
    lines.some((line) => line.message.includes(text) || String(line.fields.reason).includes(text));

  it('a stop triggered between candles is recorded before the next candle: one fill row, the position closed', async () => {
    const live = await world('uds-between-candles', { safetyPollEveryCandles: 1_000 });
    const stop = await enteredWithStop(live);

    // While the stream vouches for the working stop, the candle's poll does not ask about it.
    live.pinnedPriceQuote = live.simulator.account.market('BTCUSDT').priceQuote;
    const askedBeforeCandle = asksFor(live, stop.clientOrderId);
    await live.feed();
    expect(stop.status).toBe('NEW');
    expect(asksFor(live, stop.clientOrderId)).toBe(askedBeforeCandle);

    const candleBefore = live.next;

    live.simulator.account.setPrice('BTCUSDT', belowStop(stop));
    expect(stop.status).toBe('FILLED');
    await until('the stop fill in Postgres', async () => (await fillsOf(live, stop.clientOrderId)).length > 0);
    await live.runner?.drain();

    expect(live.next).toBe(candleBefore); // no candle was fed: the stream brought it
    const fills = await fillsOf(live, stop.clientOrderId);
    const trades = live.simulator.account.tradesOf('BTCUSDT', stop.orderId);
    expect(fills.map((fill) => fill.tradeId)).toEqual(trades.map((trade) => String(trade.id)));
    const row = (await live.rows()).find((order) => order.clientOrderId === stop.clientOrderId);
    expect(row?.status).toBe('filled');
    expect(await live.positionQtyBase()).toBe(0);
    expect(live.simulator.userData.eventsPushed).toBeGreaterThan(0);
    const ids = await live.fillAndTradeIds();
    expect(ids.fills).toEqual(ids.trades);
  });

  it('a fill the stream pushed and the poll asked about in the same candle is recorded once', async () => {
    const live = await world('uds-stream-and-poll', { safetyPollEveryCandles: 1 });
    const stop = await enteredWithStop(live);
    const askedBefore = asksFor(live, stop.clientOrderId);
    const pushedBefore = live.simulator.userData.eventsPushed;

    // The candle comes right after the trigger: its poll (asking every order: safety poll each candle) and the
    // stream's update race for the same fill; whichever comes second finds it recorded.
    live.simulator.account.setPrice('BTCUSDT', belowStop(stop));
    live.pinnedPriceQuote = belowStop(stop);
    await live.feed();
    await live.runner?.drain();
    expect(live.simulator.userData.eventsPushed).toBeGreaterThan(pushedBefore);
    expect(asksFor(live, stop.clientOrderId)).toBeGreaterThan(askedBefore);

    const fills = await fillsOf(live, stop.clientOrderId);
    expect(fills).toHaveLength(live.simulator.account.tradesOf('BTCUSDT', stop.orderId).length);
    const ids = await live.fillAndTradeIds();
    expect(ids.fills).toEqual(ids.trades);
  });

  it('the stream dropped mid-fill: the poll records the fill, once; the stream comes back and adds nothing', async () => {
    const live = await world('uds-dropped');
    const stop = await enteredWithStop(live);

    live.simulator.userData.refusing = true;
    live.simulator.userData.dropConnections();
    await until('the outage logged', () => logged('user-data stream down'));
    live.simulator.account.setPrice('BTCUSDT', belowStop(stop));
    live.pinnedPriceQuote = belowStop(stop);
    expect(await fillsOf(live, stop.clientOrderId)).toHaveLength(0); // nothing pushed, nothing recorded yet

    await live.feed(); // the poll is the only path now
    expect((await fillsOf(live, stop.clientOrderId)).length).toBeGreaterThan(0);

    live.simulator.userData.refusing = false;
    await until('the stream back', () => logged('user-data stream back'));
    await until('resubscribed', () => live.simulator.userData.subscribers > 0);
    await live.runner?.drain();
    await live.feed();
    const ids = await live.fillAndTradeIds();
    expect(ids.fills).toEqual(ids.trades);
    expect(lines.filter((line) => line.message.includes('user-data stream down'))).toHaveLength(1);
  });

  it('a stalled stream (socket alive, nothing pushed) is found by the safety poll and started over', async () => {
    const live = await world('uds-stalled', { safetyPollEveryCandles: 1 });
    const stop = await enteredWithStop(live);
    const connections = live.simulator.userData.connections;

    live.simulator.userData.stalled = true;
    live.simulator.account.setPrice('BTCUSDT', belowStop(stop));
    live.pinnedPriceQuote = belowStop(stop);
    await live.feed();
    expect((await fillsOf(live, stop.clientOrderId)).length).toBeGreaterThan(0);
    expect(logged('stalled')).toBe(true);

    live.simulator.userData.stalled = false;
    await until('a new connection', () => live.simulator.userData.connections > connections);
    await until('resubscribed', () => live.simulator.userData.subscribers > 0);
    await live.runner?.drain();
    const ids = await live.fillAndTradeIds();
    expect(ids.fills).toEqual(ids.trades);
  });

  it('in the worker: one stream for the bot, counted up in the metrics, closed when the worker stops', async () => {
    const simulator = newSimulator({ USDT: '1000000', BTC: '0' });
    await simulator.start();
    await database.asService((tx) => tx.query(`update public.bots set desired_state = 'stopped'`));
    const userId = await newUser(database, 'uds-worker');
    await newLiveBot(database, userId, { desiredState: 'running' });
    const venue = testVenueSettings(simulator.url);
    venue.env = { ...venue.env, KEEL_EXCHANGE_WS_URL_BINANCE: simulator.wsUrl };
    const worker = await startWorker({
      database,
      bus: inProcessBus(),
      logger: recordingLogger(lines),
      dataDir: realCandleSlice(60).dataDir,
      replaySpeed: 'max',
      workerId: 'live-user-data-test',
      pollMs: 100,
      env: { WORKER_PORT: 'off' },
      live: { venue },
    });
    try {
      await until('the stream up', async () =>
        (await worker.metrics.registry.metrics()).includes('keel_user_data_streams{exchange="binance",state="up"} 1'),
      );
      expect(simulator.userData.subscribers).toBe(1);
    } finally {
      await worker.stop();
      await database.asService((tx) => tx.query(`update public.bots set desired_state = 'stopped'`));
    }
    await until('the stream closed', () => simulator.userData.subscribers === 0);
    expect(await worker.metrics.registry.metrics()).not.toContain('state="up"} 1');
    await simulator.stop();
  });

  it('keys never reach the logs (every line the tests above logged, outages and stalls among them)', () => {
    expect(lines.some((line) => line.message.includes('user-data stream down'))).toBe(true);
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(SIMULATOR_SECRET);
    expect(logged).not.toContain(SIMULATOR_API_KEY);
  });
});

describe('whether a live bot gets a user-data stream', () => {
  it('on by default where ccxt.pro watches orders; off on request; not when only the REST API was moved', () => {
    expect(userDataStreamChoice('binance', {})).toEqual({ enabled: true });
    expect(userDataStreamChoice('binance', { KEEL_USER_DATA_STREAM: 'off' }).enabled).toBe(false);
    const restOnly = userDataStreamChoice('binance', { KEEL_EXCHANGE_URL_BINANCE: 'http://127.0.0.1:1' });
    expect(restOnly).toEqual({ enabled: false, reason: expect.stringContaining('KEEL_EXCHANGE_WS_URL_BINANCE') });
    const both = { KEEL_EXCHANGE_URL_BINANCE: 'http://127.0.0.1:1', KEEL_EXCHANGE_WS_URL_BINANCE: 'ws://127.0.0.1:1' };
    expect(userDataStreamChoice('binance', both)).toEqual({ enabled: true });
    expect(() => userDataStreamChoice('binance', { KEEL_USER_DATA_STREAM: 'maybe' })).toThrow(/on or off/);
  });
});
