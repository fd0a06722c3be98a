/**
 * Live take profit through an OCO order list: the stop and the take profit of a live bot's position rest on the
 * exchange as one list (a STOP_LOSS leg below the market, a LIMIT_MAKER leg above it, one quantity locked once).
 * Real BTC-USDT 1h candles drive a trend follower against the loopback Binance simulator, through the real ccxt
 * client and a PostgreSQL database of this file's own; a test moves the simulator's price between candles to reach
 * a leg. Each test has its own simulator, user and bot.
 */

import { formatDecimal } from '@keel/core/money/format.ts';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { hasSharedData } from '../../packages/core/test/shared-data.ts';
import { orderListClientOrderId, riskOrderId } from '../src/bots/client-order-id.ts';
import { openVenueForBot } from '../src/exchange/bot-venue.ts';
import type { OcoListRequest } from '../src/exchange/venue.ts';
import type { SimulatedOrder, SimulatedOrderList } from './exchange-simulator/simulated-account.ts';
import { newUser } from './harness.ts';
import { newLiveBot, newSimulator, openExclusiveDatabase, testVenueSettings } from './live-fixtures.ts';
import { LiveWorld } from './live-world.ts';

const exclusive = hasSharedData() ? await openExclusiveDatabase('live_oco') : null;
if (exclusive === null) console.warn('live-oco.test.ts skipped: DATABASE_URL is not set or the shared data is missing');

afterAll(async () => {
  await exclusive?.database.close();
});

const OCO_PATH = '/api/v3/orderList/oco';
/** The platform's default take profit and stop loss (protective-stops.ts PROTECTIVE_DEFAULTS). */
const TAKE_PROFIT_FRACTION = 0.1;
/** A trailing stop this far below the highest high (the exchange's price is pinned above it while it moves). */
const TRAILING_FRACTION = 0.03;
/** From this candle on, the strategy's first entry is followed by a new high before its exit: the stop moves. */
const RISING_FROM_CANDLE = 80;

describe.skipIf(exclusive === null)('live take profit: stop and take profit as one OCO list on the exchange', () => {
  const database = exclusive?.database as NonNullable<typeof exclusive>['database'];
  const worlds: LiveWorld[] = [];

  afterEach(async () => {
    for (const world of worlds.splice(0)) await world.simulator.stop();
  });

  async function world(label: string, options: Parameters<typeof LiveWorld.start>[2] = {}): Promise<LiveWorld> {
    const started = await LiveWorld.start(database, label, options);
    worlds.push(started);
    return started;
  }

  const workingLists = (world: LiveWorld) =>
    world.simulator.account.orderLists.filter((list) => list.listStatusType === 'EXEC_STARTED');
  /** A sell list's legs as placed: [take profit (above), stop (below)]. */
  const legsOf = (world: LiveWorld, list: SimulatedOrderList) => {
    const [takeProfit, stop] = world.simulator.account.legsOf(list);
    return { takeProfit: takeProfit as SimulatedOrder, stop: stop as SimulatedOrder };
  };
  const listPosts = (world: LiveWorld) =>
    world.simulator.calls.filter((call) => call.method === 'POST' && call.path === OCO_PATH);
  const price = (value: bigint) => Number(formatDecimal(value as never));
  /**
   * Just under the take profit: above any trailing stop the candles' highs can raise below it, so nothing on the
   * exchange fills while the stop moves.
   */
  const pinnedBelow = (takeProfit: SimulatedOrder) => (price(takeProfit.price) * 0.999).toFixed(2);

  /** Feeds candles until the entry filled and the next candle put its list on the exchange. */
  async function enterWithList(world: LiveWorld): Promise<{ list: SimulatedOrderList } & ReturnType<typeof legsOf>> {
    await world.feedUntil('entry', () => world.entered());
    await world.feed();
    const [list] = workingLists(world);
    if (list === undefined) throw new Error('no OCO list after the entry');
    return { list, ...legsOf(world, list) };
  }

  it('after an entry fill, one OCO list replaces the provisional stop; both leg rows are in Postgres before it is sent', async () => {
    const live = await world('oco-placed');
    const rowsWhenSent: (string | null)[] = [];
    live.simulator.onRequest = async (call) => {
      if (call.method !== 'POST' || call.path !== OCO_PATH) return;
      for (const field of ['aboveClientOrderId', 'belowClientOrderId']) {
        const clientOrderId = call.params.get(field) ?? '';
        const row = await database.asService((tx) => tx.orders.get(clientOrderId)).catch(() => null);
        rowsWhenSent.push(row?.status ?? null);
      }
    };
    await live.feedUntil('entry', () => live.entered());
    const [entry] = live.ordersOf('MARKET', 'BUY');
    const [bracket] = live.ordersOf('STOP_LOSS');
    expect(bracket?.status).toBe('NEW'); // the entry candle is protected by its provisional stop

    await live.feed();
    expect(workingLists(live)).toHaveLength(1);
    const [list] = workingLists(live);
    const { takeProfit, stop } = legsOf(live, list as SimulatedOrderList);
    expect(bracket?.status).toBe('CANCELED');
    expect(takeProfit.type).toBe('LIMIT_MAKER');
    expect(stop.type).toBe('STOP_LOSS');
    expect(takeProfit.origQty).toBe(entry?.executedQty);
    expect(stop.origQty).toBe(entry?.executedQty);
    const entryPrice = price(entry?.price as bigint);
    expect(price(takeProfit.price)).toBeCloseTo(entryPrice * (1 + TAKE_PROFIT_FRACTION), 0);
    expect(price(stop.stopPrice)).toBeLessThan(entryPrice);
    expect(list?.listClientOrderId).toBe(orderListClientOrderId(stop.clientOrderId));
    expect(live.simulator.account.free('BTC')).toBe(0n); // one quantity, locked once
    expect(rowsWhenSent).toEqual(['pending', 'pending']);
    const rows = await live.rows();
    const rowOf = (order: SimulatedOrder) => rows.find((row) => row.clientOrderId === order.clientOrderId);
    expect(rowOf(takeProfit)).toMatchObject({ type: 'limit', side: 'sell', status: 'open' });
    expect(rowOf(stop)).toMatchObject({ type: 'stop', side: 'sell', status: 'open' });
    expect(rowOf(bracket as SimulatedOrder)?.status).toBe('cancelled');

    // Unchanged levels on the next candles: the list stays, nothing is sent again.
    await live.feed(2);
    expect(listPosts(live)).toHaveLength(1);
    expect(workingLists(live)).toEqual([list]);
  });

  it('the take profit is reached: the position is closed, the stop leg cancelled by the exchange, one fill in Postgres', async () => {
    const live = await world('oco-take-profit');
    const { takeProfit, stop } = await enterWithList(live);

    live.simulator.account.setPrice('BTCUSDT', (price(takeProfit.price) * 1.01).toFixed(2));
    expect(takeProfit.status).toBe('FILLED');
    expect(stop.status).toBe('EXPIRED');
    await live.feed();

    const rows = await live.rows();
    expect(rows.find((row) => row.clientOrderId === takeProfit.clientOrderId)?.status).toBe('filled');
    expect(rows.find((row) => row.clientOrderId === stop.clientOrderId)?.status).toBe('cancelled');
    const takeProfitFills = (await live.fills()).filter((fill) => fill.clientOrderId === takeProfit.clientOrderId);
    expect(takeProfitFills).toHaveLength(1);
    expect(takeProfitFills[0]).toMatchObject({ liquidity: 'maker', priceQuote: formatDecimal(takeProfit.price) });
    expect(await live.positionQtyBase()).toBe(0);
    expect(live.simulator.account.balance('BTC')).toBe(0n);
    await live.feed(2);
    const ids = await live.fillAndTradeIds();
    expect(ids.fills).toEqual(ids.trades);
  });

  it('the stop is reached: the position is closed, the take profit leg cancelled by the exchange, one fill in Postgres', async () => {
    const live = await world('oco-stop');
    const { takeProfit, stop } = await enterWithList(live);

    live.simulator.account.setPrice('BTCUSDT', (price(stop.stopPrice) * 0.99).toFixed(2));
    expect(stop.status).toBe('FILLED');
    expect(takeProfit.status).toBe('EXPIRED');
    await live.feed();

    const rows = await live.rows();
    expect(rows.find((row) => row.clientOrderId === stop.clientOrderId)?.status).toBe('filled');
    expect(rows.find((row) => row.clientOrderId === takeProfit.clientOrderId)?.status).toBe('cancelled');
    expect((await live.fills()).filter((fill) => fill.clientOrderId === stop.clientOrderId)).toHaveLength(1);
    expect(await live.positionQtyBase()).toBe(0);
    await live.feed(2);
    const ids = await live.fillAndTradeIds();
    expect(ids.fills).toEqual(ids.trades);
  });

  it('a list the exchange refuses: the position is exited at market at once, and its owner told', async () => {
    const live = await world('oco-refused', { prepare: (simulator) => (simulator.account.refuseOrderLists = true) });
    await live.feedUntil('entry', () => live.entered());
    await live.feed();

    const [exit] = live.ordersOf('MARKET', 'SELL');
    expect(exit?.status).toBe('FILLED');
    expect(live.simulator.account.balance('BTC')).toBe(0n);
    const [post] = listPosts(live);
    const legIds = [post?.params.get('belowClientOrderId'), post?.params.get('aboveClientOrderId')];
    const rows = await live.rows();
    expect(legIds.map((id) => rows.find((row) => row.clientOrderId === id)?.status)).toEqual(['rejected', 'rejected']);
    expect(rows.find((row) => row.clientOrderId === exit?.clientOrderId)?.status).toBe('filled');
    expect(live.events).toContainEqual(
      expect.objectContaining({
        type: 'stop_failed',
        botId: live.botId,
        clientOrderId: legIds[0],
        exitClientOrderId: exit?.clientOrderId,
      }),
    );
    expect(await live.positionQtyBase()).toBe(0);
  });

  it('a trailing stop moves the list: the old list is cancelled before the new one is sent, never two at once', async () => {
    const live = await world('oco-trailing', { riskLimits: { trailingStopFraction: TRAILING_FRACTION } });
    const working: number[] = [];
    live.simulator.onRequest = async (call) => {
      if (call.method === 'POST' && call.path === OCO_PATH) working.push(workingLists(live).length);
    };
    live.next = RISING_FROM_CANDLE;
    const { list: first, takeProfit } = await enterWithList(live);
    live.pinnedPriceQuote = pinnedBelow(takeProfit);
    await live.feedUntil('stop move', () => listPosts(live).length > 1 || first.listStatusType === 'ALL_DONE');
    expect(listPosts(live)).toHaveLength(2);

    expect(first.listStatusType).toBe('ALL_DONE');
    expect(legsOf(live, first).stop.status).toBe('CANCELED');
    expect(working.every((count) => count === 0)).toBe(true); // cancel-then-place: the old list was gone first
    const cancels = live.simulator.calls.filter(
      (call) => call.method === 'DELETE' && call.path === '/api/v3/orderList',
    );
    expect(cancels.map((call) => call.params.get('listClientOrderId'))).toContain(first.listClientOrderId);
    expect(workingLists(live)).toHaveLength(1);
    const [moved] = workingLists(live);
    expect(price(legsOf(live, moved as SimulatedOrderList).stop.stopPrice)).toBeGreaterThan(
      price(legsOf(live, first).stop.stopPrice),
    );
  });

  it('a leg fills between the cancel of the old list and the new one: nothing is placed for a closed position', async () => {
    const live = await world('oco-race', { riskLimits: { trailingStopFraction: TRAILING_FRACTION } });
    live.next = RISING_FROM_CANDLE;
    const { takeProfit } = await enterWithList(live);
    live.pinnedPriceQuote = pinnedBelow(takeProfit);
    live.simulator.onRequest = async (call) => {
      // The market reaches the take profit just as the bot's cancel of the list arrives.
      if (call.method === 'DELETE' && call.path === '/api/v3/orderList' && takeProfit.status === 'NEW') {
        live.simulator.account.setPrice('BTCUSDT', (price(takeProfit.price) * 1.01).toFixed(2));
      }
    };
    await live.feedUntil('stop move', () => takeProfit.status !== 'NEW' || live.ordersOf('MARKET', 'SELL').length > 0);
    expect(takeProfit.status).toBe('FILLED');
    expect(live.ordersOf('MARKET', 'SELL')).toEqual([]); // the stop's move cancelled the list, not a strategy sell
    expect(listPosts(live)).toHaveLength(1);
    expect(workingLists(live)).toHaveLength(0);
    expect((await live.fills()).filter((fill) => fill.clientOrderId === takeProfit.clientOrderId)).toHaveLength(1);
    expect(await live.positionQtyBase()).toBe(0);
  });

  it('a restart with a working list: reconciled and taken over, never placed twice', async () => {
    const live = await world('oco-restart');
    const { list, takeProfit, stop } = await enterWithList(live);

    await live.restart(); // the worker died; a new one reconciles the bot with the exchange and runs it on
    const [reconciled] = await database.asService((tx) =>
      tx.query(
        `select payload from public.audit_log where entity_id = $1 and action = 'worker.bot_reconciled' order by id desc limit 1`,
        [live.botId],
      ),
    );
    expect((reconciled?.payload as { stopsKept: string[] } | undefined)?.stopsKept.sort()).toEqual(
      [stop.clientOrderId, takeProfit.clientOrderId].sort(),
    );
    await live.feed(2);
    expect(listPosts(live)).toHaveLength(1);
    expect(live.simulator.sendsOf(stop.clientOrderId)).toBe(1);
    expect(workingLists(live)).toEqual([list]);
    expect([stop.status, takeProfit.status]).toEqual(['NEW', 'NEW']);
  });

  it('a restart after the owner turned the take profit on: the working stop and the take profit become one list', async () => {
    const live = await world('oco-turned-on', { riskLimits: { takeProfitFraction: null } });
    await live.feedUntil('entry', () => live.entered());
    await live.feed();
    const [stop] = live.ordersOf('STOP_LOSS').filter((order) => order.status === 'NEW');
    expect(stop).toBeDefined();
    expect(listPosts(live)).toHaveLength(0);

    await database.asService((tx) =>
      tx.query(`update public.bots set risk_limits = '{}'::jsonb where id = $1`, [live.botId]),
    );
    await live.restart();
    await live.feed();
    expect(workingLists(live)).toHaveLength(1);
    const [list] = workingLists(live);
    const legs = legsOf(live, list as SimulatedOrderList);
    expect(stop?.status).toBe('CANCELED');
    expect(legs.stop.stopPrice).toBe(stop?.stopPrice); // the working stop's level, carried into the list
    expect(legs.stop.origQty).toBe(stop?.origQty);
    expect(live.simulator.account.free('BTC')).toBe(0n);

    await live.feed(2); // the manager's stop now answers to the list's leg: nothing is replaced again
    expect(listPosts(live)).toHaveLength(1);
    expect(workingLists(live)).toEqual([list]);
  });

  it('a leg filled while the worker was down: one fill after reconciliation, the other leg known cancelled', async () => {
    const live = await world('oco-filled-while-down');
    const { takeProfit, stop } = await enterWithList(live);

    live.simulator.account.setPrice('BTCUSDT', (price(takeProfit.price) * 1.01).toFixed(2)); // nobody watching
    await live.restart();
    const [reconciled] = await database.asService((tx) =>
      tx.query(
        `select payload from public.audit_log where entity_id = $1 and action = 'worker.bot_reconciled' order by id desc limit 1`,
        [live.botId],
      ),
    );
    expect(reconciled?.payload).toMatchObject({ fillsRecovered: 1, stopsKept: [] });
    const rows = await live.rows();
    expect(rows.find((row) => row.clientOrderId === takeProfit.clientOrderId)?.status).toBe('filled');
    expect(rows.find((row) => row.clientOrderId === stop.clientOrderId)?.status).toBe('cancelled');
    await live.feed(2);
    expect((await live.fills()).filter((fill) => fill.clientOrderId === takeProfit.clientOrderId)).toHaveLength(1);
    expect(listPosts(live)).toHaveLength(1);
    const ids = await live.fillAndTradeIds();
    expect(ids.fills).toEqual(ids.trades);
  });
});

describe.skipIf(exclusive === null)('the venue: OCO lists through the real ccxt client', () => {
  const database = exclusive?.database as NonNullable<typeof exclusive>['database'];

  /** A venue on a simulator account holding 0.1 BTC at 50 000, and a sell list for it: stop 47 500, take profit 55 000. */
  async function venueWithCoins(prepare: (simulator: ReturnType<typeof newSimulator>) => void = () => {}) {
    const simulator = newSimulator({ USDT: '0', BTC: '0.1' });
    prepare(simulator);
    await simulator.start();
    const userId = await newUser(database, 'oco-venue');
    const { botId } = await newLiveBot(database, userId);
    const bot = await database.asService((tx) => tx.bots.get(botId));
    const venue = await openVenueForBot(database, testVenueSettings(simulator.url), bot);
    const stopId = riskOrderId(botId, `${botId}:BTC-USDT:1:stop`);
    const list: OcoListRequest = {
      listClientOrderId: orderListClientOrderId(stopId),
      stop: {
        clientOrderId: stopId,
        symbol: 'BTC-USDT',
        side: 'sell',
        type: 'stop',
        qtyBase: 0.1,
        stopPrice: 47_500,
        reason: 'test',
      },
      takeProfit: {
        clientOrderId: riskOrderId(botId, `${botId}:BTC-USDT:1:take-profit`),
        symbol: 'BTC-USDT',
        side: 'sell',
        type: 'limit',
        qtyBase: 0.1,
        limitPrice: 55_000,
        reason: 'test',
      },
    };
    return { simulator, venue, list };
  }

  it('a list whose answer is lost is found by the client order ids of its legs, never sent twice', async () => {
    const { simulator, venue, list } = await venueWithCoins((simulator) =>
      simulator.inject(`POST ${OCO_PATH}`, { kind: 'lost-response' }),
    );
    try {
      const placed = await venue.placeOcoList(list);
      expect(placed.stop).toMatchObject({ clientOrderId: list.stop.clientOrderId, status: 'open' });
      expect(placed.takeProfit).toMatchObject({ clientOrderId: list.takeProfit.clientOrderId, status: 'open' });
      expect(placed.stop.orderListId).not.toBeNull();
      expect(placed.takeProfit.orderListId).toBe(placed.stop.orderListId);
      expect(simulator.sendsOf(list.listClientOrderId)).toBe(1);
      expect(simulator.account.orderLists).toHaveLength(1);

      await venue.cancelOcoList(list.listClientOrderId, 'BTC-USDT');
      const [takeProfit, stop] = simulator.account.legsOf(simulator.account.orderLists[0] as SimulatedOrderList);
      expect([takeProfit?.status, stop?.status]).toEqual(['CANCELED', 'CANCELED']);
      expect(simulator.account.free('BTC')).toBe(simulator.account.balance('BTC'));
    } finally {
      await simulator.stop();
    }
  });

  it('where the market does not list STOP_LOSS, the stop leg is a STOP_LOSS_LIMIT with its limit below the trigger', async () => {
    const { simulator, venue, list } = await venueWithCoins((simulator) => {
      simulator.account.orderTypes = ['LIMIT', 'MARKET', 'STOP_LOSS_LIMIT'];
    });
    try {
      await venue.placeOcoList(list);
      const [call] = simulator.calls.filter((candidate) => candidate.path === OCO_PATH);
      expect(call?.params.get('belowType')).toBe('STOP_LOSS_LIMIT');
      expect(Number(call?.params.get('belowPrice'))).toBeLessThan(Number(call?.params.get('belowStopPrice')));
      expect(call?.params.get('belowTimeInForce')).toBe('GTC');
      expect(call?.params.get('aboveType')).toBe('LIMIT_MAKER');
      expect(Number(call?.params.get('abovePrice'))).toBe(55_000);
    } finally {
      await simulator.stop();
    }
  });
});
