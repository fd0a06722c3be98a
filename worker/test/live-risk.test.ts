/**
 * Live bots under the risk manager, against the loopback Binance simulator through the real ccxt client and a
 * PostgreSQL database of this file's own. Real BTC-USDT 1h candles drive the bot (trend follower 5/20); the
 * simulator's price follows each candle's close, and a test moves it between candles to cross a stop. Each test has
 * its own simulator, user and bot.
 */
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import type { CandleSeries } from '@keel/core/market/types.ts';
import type { Decimal } from '@keel/core/money/decimal.ts';
import { formatDecimal } from '@keel/core/money/format.ts';
import { MAX_POSITION_FRACTION_DEFAULT } from '@keel/core/risk/position-cap.ts';
import { inProcessBus } from '@keel/realtime';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../packages/core/test/shared-data.ts';
import { BotRunner } from '../src/bots/bot-runner.ts';
import type { ExecutionEvent } from '../src/exchange/execution-events.ts';
import { startLiveBot } from '../src/exchange/live-bot-start.ts';
import { silentLogger } from '../src/logger.ts';
import type { BinanceSimulator } from './exchange-simulator/binance-simulator.ts';
import type { SimulatedOrder } from './exchange-simulator/simulated-account.ts';
import { newUser } from './harness.ts';
import { newLiveBot, newSimulator, openExclusiveDatabase, testVenueSettings } from './live-fixtures.ts';

const exclusive = hasSharedData() ? await openExclusiveDatabase('live_risk') : null;
if (exclusive === null)
  console.warn('live-risk.test.ts skipped: DATABASE_URL is not set or the shared data is missing');

const STARTING_USDT = 10_000;
/** The exchange trades a little above the last close (the market moved since): entries fill off the bot's mark. */
const PRICE_DRIFT = 1.002;
/** Candles fed at most while waiting for the strategy's first entry. */
const MAX_CANDLES = 300;

describe.skipIf(exclusive === null)('live bots under the risk manager, stops on the exchange', () => {
  const database = exclusive?.database as NonNullable<typeof exclusive>['database'];
  const series = hasSharedData() ? loadCandlesCsv(dataFile('BTC-USDT_1h.csv'), { symbol: 'BTC-USDT' }) : null;
  const simulators: BinanceSimulator[] = [];

  afterEach(async () => {
    for (const simulator of simulators.splice(0)) await simulator.stop();
  });
  afterAll(async () => {
    await database.close();
  });

  interface LiveWorld {
    simulator: BinanceSimulator;
    botId: string;
    userId: string;
    events: ExecutionEvent[];
    runner: BotRunner;
    /** Next candle index to feed. */
    next: number;
  }

  async function liveWorld(label: string, prepare: (simulator: BinanceSimulator) => void = () => {}) {
    const simulator = newSimulator({ USDT: String(STARTING_USDT), BTC: '0' });
    prepare(simulator);
    await simulator.start();
    simulators.push(simulator);
    const userId = await newUser(database, label);
    const { botId } = await newLiveBot(database, userId);
    // Stops alone (the owner turned the take profit off); stop + take profit as one OCO list: live-oco.test.ts.
    await database.asService((tx) =>
      tx.query(`update public.bots set risk_limits = '{"takeProfitFraction": null}'::jsonb where id = $1`, [botId]),
    );
    const world: LiveWorld = { simulator, botId, userId, events: [], runner: null as unknown as BotRunner, next: 0 };
    world.runner = await startRunner(world);
    return world;
  }

  /** What the worker does for a live bot: reconcile with the exchange, then run it with its live broker. */
  async function startRunner(world: LiveWorld): Promise<BotRunner> {
    const bot = await database.asService((tx) => tx.bots.get(world.botId));
    const live = {
      venue: testVenueSettings(world.simulator.url),
      onEvent: (event: ExecutionEvent) => world.events.push(event),
    };
    const started = await startLiveBot(database, bot, live, silentLogger);
    if (started.status !== 'ready') throw new Error(`live bot not started: ${started.reason}`);
    return BotRunner.start({ database, bus: inProcessBus(), logger: silentLogger, bot, live: started.broker });
  }

  async function feed(world: LiveWorld, candles = 1): Promise<void> {
    const candleSeries = series as CandleSeries;
    for (let fed = 0; fed < candles; fed++) {
      const index = world.next++;
      const price = (candleSeries.close[index] as number) * PRICE_DRIFT;
      world.simulator.account.setPrice('BTCUSDT', price.toFixed(2));
      await world.runner.onCandle(candleSeries, index);
      if (world.runner.failure !== null) throw world.runner.failure;
    }
  }

  async function feedUntil(world: LiveWorld, what: string, done: () => boolean): Promise<void> {
    while (!done()) {
      if (world.next >= MAX_CANDLES) throw new Error(`no ${what} within ${MAX_CANDLES} candles`);
      await feed(world);
    }
  }

  const ordersOf = (world: LiveWorld, type: SimulatedOrder['type'], side?: SimulatedOrder['side']) =>
    world.simulator.account.orders.filter(
      (order) => order.type === type && (side === undefined || order.side === side),
    );
  const workingStops = (world: LiveWorld) => ordersOf(world, 'STOP_LOSS').filter((order) => order.status === 'NEW');
  const rowsOf = (world: LiveWorld) => database.asService((tx) => tx.orders.list({ botId: world.botId, limit: 1000 }));
  const fillsOf = (world: LiveWorld) => database.asService((tx) => tx.fills.list({ botId: world.botId, limit: 1000 }));
  const entered = (world: LiveWorld) => () => ordersOf(world, 'MARKET', 'BUY').length > 0;

  it('the entry is sized by the risk manager, and a stop is on the exchange right after it fills, persisted before sent', async () => {
    const rowsWhenSent: (string | null)[] = [];
    const world = await liveWorld('live-risk-sizing');
    world.simulator.onRequest = async (call) => {
      if (call.method !== 'POST' || !call.path.startsWith('/api/v3/order') || call.params.get('type') !== 'STOP_LOSS') {
        return;
      }
      const clientOrderId = call.params.get('newClientOrderId') ?? '';
      const row = await database.asService((tx) => tx.orders.get(clientOrderId)).catch(() => null);
      rowsWhenSent.push(row?.status ?? null);
    };
    await feedUntil(world, 'entry', entered(world));

    const [entry] = ordersOf(world, 'MARKET', 'BUY');
    const entryRow = (await rowsOf(world)).find((row) => row.clientOrderId === entry?.clientOrderId);
    // Not all-in: the position cap (10 % of equity by default) bounds what the entry may spend.
    expect(Number(entryRow?.quoteQty)).toBeGreaterThan(0);
    expect(Number(entryRow?.quoteQty)).toBeLessThanOrEqual(STARTING_USDT * MAX_POSITION_FRACTION_DEFAULT);
    expect(Number(world.simulator.account.balance('USDT'))).toBeGreaterThan(STARTING_USDT * 0.85);

    // Right after the fill, before the next candle: one stop for exactly what was bought, below the entry price.
    const stops = workingStops(world);
    expect(stops).toHaveLength(1);
    const [stop] = stops;
    expect(stop?.origQty).toBe(entry?.executedQty);
    expect(stop?.stopPrice).toBeLessThan(entry?.price ?? 0n);
    expect(world.simulator.account.free('BTC')).toBe(0n); // the stop holds the coins, as on Binance
    expect(rowsWhenSent).toEqual(['pending']);

    // The next candle moves the stop to the entry's level: replaced in one request, never two stops, never none.
    await feed(world);
    const cancelReplaces = world.simulator.calls.filter((call) => call.path === '/api/v3/order/cancelReplace');
    expect(cancelReplaces.map((call) => call.params.get('cancelOrigClientOrderId'))).toEqual([stop?.clientOrderId]);
    expect(stop?.status).toBe('CANCELED');
    const [moved] = workingStops(world);
    expect(workingStops(world)).toHaveLength(1);
    expect(moved?.stopPrice).toBeGreaterThan(stop?.stopPrice ?? 0n);
    expect(rowsWhenSent).toEqual(['pending', 'pending']);
    const rows = await rowsOf(world);
    expect(rows.find((row) => row.clientOrderId === stop?.clientOrderId)?.status).toBe('cancelled');
    expect(rows.find((row) => row.clientOrderId === moved?.clientOrderId)?.status).toBe('open');
  });

  it('the price crossing the stop closes the position on the exchange; its fill lands in Postgres once', async () => {
    const world = await liveWorld('live-risk-stop-hit');
    await feedUntil(world, 'entry', entered(world));
    await feed(world);
    const [stop] = workingStops(world);
    expect(stop).toBeDefined();

    // The market falls through the stop between two candles.
    const crash = Number(formatDecimal(stop?.stopPrice as Decimal)) * 0.99;
    world.simulator.account.setPrice('BTCUSDT', crash.toFixed(2));
    expect(stop?.status).toBe('FILLED');
    expect(world.simulator.account.balance('BTC')).toBe(0n);
    await feed(world, 3);

    const stopFills = (await fillsOf(world)).filter((fill) => fill.clientOrderId === stop?.clientOrderId);
    const stopTrades = world.simulator.account.tradesOf('BTCUSDT', stop?.orderId);
    expect(stopFills.map((fill) => fill.tradeId)).toEqual(stopTrades.map((trade) => String(trade.id)));
    expect(stopFills).toHaveLength(1);
    const stopRow = (await rowsOf(world)).find((row) => row.clientOrderId === stop?.clientOrderId);
    expect(stopRow?.status).toBe('filled');
    const [position] = await database.asService((tx) => tx.positions.list({ botId: world.botId }));
    expect(Number(position?.qtyBase)).toBe(0);
    // Every trade of the account is one fill in Postgres, no more.
    expect((await fillsOf(world)).map((fill) => fill.tradeId).sort()).toEqual(
      world.simulator.account.trades.map((trade) => String(trade.id)).sort(),
    );
  });

  it('a stop the exchange refuses: the position is exited at market at once, and its owner told', async () => {
    const world = await liveWorld('live-risk-refused', (simulator) => simulator.account.refuseTypes.add('STOP_LOSS'));
    await feedUntil(world, 'entry', entered(world));

    const [exit] = ordersOf(world, 'MARKET', 'SELL');
    expect(exit?.status).toBe('FILLED');
    expect(world.simulator.account.balance('BTC')).toBe(0n);
    const rows = await rowsOf(world);
    const refused = rows.filter((row) => row.type === 'stop');
    expect(refused.map((row) => row.status)).toEqual(['rejected']);
    expect(rows.find((row) => row.clientOrderId === exit?.clientOrderId)?.status).toBe('filled');
    expect(world.events).toContainEqual(
      expect.objectContaining({
        type: 'stop_failed',
        botId: world.botId,
        clientOrderId: refused[0]?.clientOrderId,
        exitClientOrderId: exit?.clientOrderId,
      }),
    );
    await feed(world); // the audit rows are written with the controls' next records
    const audit = await database.asService((tx) =>
      tx.query(`select payload from public.audit_log where entity_id = $1 and action = 'risk.stop_failed'`, [
        world.botId,
      ]),
    );
    expect(audit).toHaveLength(1);
  });

  it('a restart with a stop working on the exchange: reconciled and taken over, not placed twice', async () => {
    const world = await liveWorld('live-risk-restart');
    await feedUntil(world, 'entry', entered(world));
    await feed(world);
    const [stop] = workingStops(world);
    expect(stop).toBeDefined();
    const stopsBefore = ordersOf(world, 'STOP_LOSS').length;

    // The worker dies; a new one reconciles the bot with the exchange and runs it on.
    world.runner = await startRunner(world);
    const [reconciled] = await database.asService((tx) =>
      tx.query(
        `select payload from public.audit_log where entity_id = $1 and action = 'worker.bot_reconciled' order by id desc limit 1`,
        [world.botId],
      ),
    );
    expect(reconciled?.payload).toMatchObject({ ordersResolved: [], stopsKept: [stop?.clientOrderId] });
    expect(stop?.status).toBe('NEW');
    const stopRow = (await rowsOf(world)).find((row) => row.clientOrderId === stop?.clientOrderId);
    expect(stopRow?.status).toBe('open');

    await feed(world, 2);
    expect(ordersOf(world, 'STOP_LOSS')).toHaveLength(stopsBefore);
    expect(world.simulator.sendsOf(stop?.clientOrderId ?? '')).toBe(1);
    expect(workingStops(world)).toEqual([stop]);
  });
});
