/**
 * Live bots in the worker (in process), against the simulator and a PostgreSQL database of this file's own: a bot
 * that reconciles trades through the exchange and its books equal the exchange's; one whose books cannot be
 * explained is never started — it stays stopped with the reason, and its owner is told.
 */
import { formatDecimal } from '@keel/core/money/format.ts';
import { decimalFromString } from '@keel/core/money/parse.ts';
import { inProcessBus } from '@keel/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVenueForBot } from '../src/exchange/bot-venue.ts';
import type { ExecutionEvent } from '../src/exchange/execution-events.ts';
import { reconcileLiveBot } from '../src/exchange/reconcile.ts';
import { silentLogger } from '../src/logger.ts';
import { type RunningWorker, startWorker } from '../src/worker.ts';
import type { BinanceSimulator } from './exchange-simulator/binance-simulator.ts';
import { newUser, realCandleSlice, waitFor } from './harness.ts';
import { newLiveBot, newSimulator, openExclusiveDatabase, testVenueSettings } from './live-fixtures.ts';

const exclusive = await openExclusiveDatabase('worker_live');
if (exclusive === null) console.warn('live-worker.test.ts skipped: DATABASE_URL is not set');

describe.skipIf(exclusive === null)('live bots in the worker', () => {
  const database = exclusive?.database as NonNullable<typeof exclusive>['database'];
  let simulator: BinanceSimulator;
  let worker: RunningWorker | null = null;
  const events: ExecutionEvent[] = [];

  beforeAll(async () => {
    simulator = newSimulator({ USDT: '1000000', BTC: '0' });
    await simulator.start();
  });
  afterAll(async () => {
    await worker?.stop();
    await database.asService((tx) => tx.query(`update public.bots set desired_state = 'stopped'`));
    await simulator.stop();
    await database.close();
  });

  async function run(): Promise<RunningWorker> {
    worker = await startWorker({
      database,
      bus: inProcessBus(),
      logger: silentLogger,
      dataDir: realCandleSlice(300).dataDir,
      replaySpeed: 'max',
      workerId: 'live-worker-test',
      pollMs: 100,
      env: { WORKER_PORT: 'off' },
      live: { venue: testVenueSettings(simulator.url), onEvent: (event) => events.push(event) },
    });
    return worker;
  }

  const botRow = (botId: string) => database.asService((tx) => tx.bots.get(botId));

  it('an unexplainable position: the bot is not started, says why, and nothing is sent', async () => {
    const userId = await newUser(database, 'live-unexplained');
    const { botId } = await newLiveBot(database, userId, { desiredState: 'running' });
    await database.asService(async (tx) => {
      const clientOrderId = `${botId.slice(0, 12)}:BTCUSDT:phantom`;
      await tx.orders.persist({
        botId,
        userId,
        clientOrderId,
        symbol: 'BTC-USDT',
        side: 'buy',
        type: 'market',
        qtyBase: '1',
        reason: 'test',
      });
      await tx.orders.update(clientOrderId, {
        status: 'filled',
        filledQtyBase: '1',
        filledQuote: '50000',
        submitted: true,
      });
      await tx.fills.insert({
        userId,
        botId,
        clientOrderId,
        symbol: 'BTC-USDT',
        side: 'buy',
        tradeId: 'phantom',
        time: Date.now(),
        priceQuote: '50000',
        qtyBase: '1',
        feeQuote: '50',
        liquidity: 'taker',
      });
    });
    await run();
    const bot = await waitFor('the bot refused', async () => {
      const row = await botRow(botId);
      return row.state === 'error' ? row : null;
    });
    expect(bot.stateReason).toMatch(
      /^reconciliation: BTC-USDT: the bot holds 1 BTC by its fills but the exchange account holds only 0/,
    );
    expect(events).toContainEqual(expect.objectContaining({ type: 'reconciliation_failed', botId, userId }));
    expect(simulator.calls.filter((call) => call.method === 'POST')).toEqual([]);
    await worker?.stop();
    worker = null;
    await database.asService((tx) =>
      tx.query(`update public.bots set desired_state = 'stopped' where id = $1`, [botId]),
    );
  });

  it('429s, 5xx, timeouts and lost responses while trading: it goes on or pauses safely; nothing lost or doubled', async () => {
    const faulty = newSimulator({ USDT: '1000000', BTC: '0' });
    await faulty.start();
    // A blind re-send would create a second order here (Binance would refuse it and hide the bug).
    faulty.account.refuseDuplicateClientIds = false;
    const faults = ['rate-limit', 'server-error', 'lost-response', 'timeout'] as const;
    for (let i = 0; i < 24; i++) {
      const kind = faults[i % faults.length] as (typeof faults)[number];
      faulty.inject('*', kind === 'rate-limit' ? { kind, retryAfterSeconds: 0 } : { kind }, {
        kind: 'latency',
        latencyMs: 1,
      });
      faulty.inject('*', { kind: 'latency', latencyMs: 1 }, { kind: 'latency', latencyMs: 1 });
    }
    const userId = await newUser(database, 'live-faults');
    const { botId } = await newLiveBot(database, userId, { desiredState: 'running', fast: 2, slow: 4 });
    worker = await startWorker({
      database,
      bus: inProcessBus(),
      logger: silentLogger,
      dataDir: realCandleSlice(300).dataDir,
      replaySpeed: 'max',
      workerId: 'live-worker-faults',
      pollMs: 100,
      env: { WORKER_PORT: 'off' },
      live: { venue: testVenueSettings(faulty.url) },
    });
    await waitFor('orders through the faults, or a safe pause', async () => {
      const bot = await botRow(botId);
      return faulty.account.orders.length >= 6 || bot.state === 'paused' ? true : null;
    });
    await worker.stop();
    worker = null;
    const bot = await botRow(botId);
    expect(['stopped', 'paused']).toContain(bot.state);
    faulty.clearFaults();
    // What the next start does: ask the exchange about anything left unsettled.
    const outcome = await reconcileLiveBot(
      database,
      bot,
      await openVenueForBot(database, testVenueSettings(faulty.url), bot),
    );
    expect(outcome.status).toBe('reconciled');
    const clientIds = faulty.account.orders.map((order) => order.clientOrderId);
    expect(new Set(clientIds).size).toBe(clientIds.length);
    const fills = await database.asService((tx) => tx.fills.list({ botId, limit: 1000 }));
    expect(fills.map((fill) => fill.tradeId).sort()).toEqual(
      faulty.account.trades.map((trade) => String(trade.id)).sort(),
    );
    expect(faulty.calls.some((call) => call.method === 'POST')).toBe(true);
    await database.asService((tx) =>
      tx.query(`update public.bots set desired_state = 'stopped' where id = $1`, [botId]),
    );
    await faulty.stop();
  });

  it('a reconciled bot trades through the exchange; its fills and position are the exchange account’s', async () => {
    const userId = await newUser(database, 'live-trading');
    const { botId } = await newLiveBot(database, userId, { desiredState: 'running', fast: 2, slow: 4 });
    await run();
    const marketOrders = () => simulator.account.orders.filter((order) => order.type === 'MARKET').length;
    await waitFor('three market orders on the exchange', async () => (marketOrders() >= 3 ? true : null));
    await worker?.stop();
    worker = null;
    expect((await botRow(botId)).state).toBe('stopped');
    const fills = await database.asService((tx) => tx.fills.list({ botId, limit: 1000 }));
    expect(fills.map((fill) => fill.tradeId).sort()).toEqual(
      simulator.account.trades.map((trade) => String(trade.id)).sort(),
    );
    const orders = await database.asService((tx) => tx.orders.list({ botId, limit: 1000 }));
    // Its market orders filled; the risk manager's stops that guarded its positions were replaced or released.
    const markets = orders.filter((order) => order.type === 'market');
    expect(markets.every((order) => order.status === 'filled' && order.exchangeOrderId !== null)).toBe(true);
    const stops = orders.filter((order) => order.type === 'stop');
    expect(stops.length).toBeGreaterThan(0);
    expect(stops.every((order) => ['open', 'cancelled'].includes(order.status) && order.exchangeOrderId !== null)).toBe(
      true,
    );
    const [position] = await database.asService((tx) => tx.positions.list({ botId }));
    expect(formatDecimal(decimalFromString(position?.qtyBase ?? '0'))).toBe(
      formatDecimal(simulator.account.balance('BTC')),
    );
    expect(events).toContainEqual(expect.objectContaining({ type: 'reconciled', botId }));
  });
});
