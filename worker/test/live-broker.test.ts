/**
 * The live path end to end through the real ccxt client against the loopback Binance simulator and a real
 * PostgreSQL: persist, then send; what the venue reports is recorded; faults (429, 5xx, timeouts, a lost
 * response) never duplicate an order nor lose a fill; refusals reject the order and, repeated, pause the bot.
 */
import type { OrderRequest } from '@keel/core/execution/types.ts';
import { formatDecimal } from '@keel/core/money/format.ts';
import type { Bot, Database } from '@keel/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openVenueForBot } from '../src/exchange/bot-venue.ts';
import type { ExecutionEvent } from '../src/exchange/execution-events.ts';
import { BotPausedError, LiveBroker } from '../src/exchange/live-broker.ts';
import type { Logger } from '../src/logger.ts';
import type { BinanceSimulator } from './exchange-simulator/binance-simulator.ts';
import { databaseRequired, newUser, openTestDatabase } from './harness.ts';
import { newLiveBot, newSimulator, SIMULATOR_SECRET, testVenueSettings } from './live-fixtures.ts';

const db = await openTestDatabase();
const reason = 'DATABASE_URL is not set: start PostgreSQL with scripts/services.sh (npm test does this)';
if (db === null && !databaseRequired) console.warn(`live-broker.test.ts skipped: ${reason}`);

/** Records every log line as JSON text, to prove what never appears in it. */
function capturingLogger(lines: string[]): Logger {
  const write = (level: string) => (fields: object, message?: string) =>
    lines.push(JSON.stringify({ level, ...fields, message }));
  const logger: Logger = {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: () => logger,
  };
  return logger;
}

describe.skipIf(db === null)('live broker through ccxt against the simulator', () => {
  const database = db as Database;
  let simulator: BinanceSimulator;
  let bot: Bot;
  let events: ExecutionEvent[];
  let logLines: string[];
  let broker: LiveBroker;
  let sequence = 0;

  beforeAll(async () => {
    simulator = newSimulator({ USDT: '100000', BTC: '0' });
    await simulator.start();
  });
  afterAll(async () => {
    await simulator.stop();
  });

  beforeEach(async () => {
    simulator.clearFaults();
    simulator.account.matching = { takerFeeRate: '0.001', fillRatio: '1', tradesPerOrder: 1 };
    const userId = await newUser(database, 'live');
    const { botId } = await newLiveBot(database, userId);
    bot = await database.asService((tx) => tx.bots.get(botId));
    events = [];
    logLines = [];
    broker = newBroker();
  });

  function newBroker(settings = testVenueSettings(simulator.url)): LiveBroker {
    return new LiveBroker({
      database,
      bot,
      openVenue: () => openVenueForBot(database, settings, bot),
      logger: capturingLogger(logLines),
      onEvent: (event) => events.push(event),
    });
  }

  /** Step one of persist-then-send, as the bot runner does it. */
  async function persisted(request: Partial<OrderRequest> = {}): Promise<OrderRequest> {
    sequence++;
    const order: OrderRequest = {
      clientOrderId: `${bot.id.slice(0, 12)}:BTCUSDT:t${sequence}`,
      symbol: 'BTC-USDT',
      side: 'buy',
      type: 'market',
      quoteQty: 1000,
      reason: 'test',
      ...request,
    };
    await database.asService((tx) =>
      tx.orders.persist({
        botId: bot.id,
        userId: bot.userId,
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        side: order.side,
        type: order.type,
        ...(order.quoteQty === undefined ? {} : { quoteQty: String(order.quoteQty) }),
        ...(order.qtyBase === undefined ? {} : { qtyBase: String(order.qtyBase) }),
        ...(order.limitPrice === undefined ? {} : { limitPrice: String(order.limitPrice) }),
        ...(order.stopPrice === undefined ? {} : { stopPrice: String(order.stopPrice) }),
        reason: order.reason,
      }),
    );
    return order;
  }

  function simulatorOrdersOf(clientOrderId: string) {
    return simulator.account.orders.filter((order) => order.clientOrderId === clientOrderId);
  }

  async function fillsOf(clientOrderId: string) {
    return database.asService((tx) => tx.fills.list({ clientOrderId }));
  }

  it('happy path: the order is sent once, filled, and its fill recorded with the venue trade id and fee', async () => {
    const order = await persisted();
    const outcome = await broker.send(order);
    expect(outcome.order.status).toBe('filled');
    expect(outcome.order.exchangeOrderId).toBe(String(simulatorOrdersOf(order.clientOrderId)[0]?.orderId));
    expect(outcome.order.filledQtyBase).toBe('0.01998');
    expect(outcome.order.filledQuote).toBe('999');
    const fills = await fillsOf(order.clientOrderId);
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ qtyBase: '0.01998', priceQuote: '50000', feeQuote: '0.999', liquidity: 'taker' });
    expect(outcome.fills).toHaveLength(1);
    expect(simulator.sendsOf(order.clientOrderId)).toBe(1);
  });

  it('partial fill: a market order that finds half the liquidity records every trade and ends cancelled', async () => {
    simulator.account.matching = { takerFeeRate: '0.001', fillRatio: '0.5', tradesPerOrder: 3 };
    const order = await persisted({ qtyBase: 0.1, quoteQty: undefined, side: 'buy' });
    const outcome = await broker.send(order);
    expect(outcome.order.status).toBe('cancelled');
    expect(outcome.order.filledQtyBase).toBe('0.05');
    const fills = await fillsOf(order.clientOrderId);
    expect(fills).toHaveLength(3);
    const venueTradeIds = simulator.account.trades
      .filter((trade) => trade.orderId === simulatorOrdersOf(order.clientOrderId)[0]?.orderId)
      .map((trade) => String(trade.id));
    expect(fills.map((fill) => fill.tradeId).sort()).toEqual(venueTradeIds.sort());
  });

  it('429 with Retry-After, then recovery: one order on the venue, filled', async () => {
    simulator.inject('POST /api/v3/order', { kind: 'rate-limit', retryAfterSeconds: 0 });
    const order = await persisted();
    const outcome = await broker.send(order);
    expect(outcome.order.status).toBe('filled');
    expect(simulator.sendsOf(order.clientOrderId)).toBe(2);
    expect(simulatorOrdersOf(order.clientOrderId)).toHaveLength(1);
  });

  it('5xx on create: the venue is asked by client order id before re-sending; one order, filled', async () => {
    simulator.inject('POST /api/v3/order', { kind: 'server-error' });
    const order = await persisted();
    const outcome = await broker.send(order);
    expect(outcome.order.status).toBe('filled');
    expect(simulatorOrdersOf(order.clientOrderId)).toHaveLength(1);
    const lookups = simulator.calls.filter(
      (call) => call.method === 'GET' && call.params.get('origClientOrderId') === order.clientOrderId,
    );
    expect(lookups.length).toBeGreaterThanOrEqual(1);
  });

  it('timeout with the order actually placed: found by client order id, never sent twice', async () => {
    simulator.inject('POST /api/v3/order', { kind: 'lost-response' });
    const order = await persisted();
    const outcome = await broker.send(order);
    expect(outcome.order.status).toBe('filled');
    expect(simulator.sendsOf(order.clientOrderId)).toBe(1);
    expect(simulatorOrdersOf(order.clientOrderId)).toHaveLength(1);
    expect(await fillsOf(order.clientOrderId)).toHaveLength(1);
  });

  it('a timeout before the venue saw the order: asked, unknown, re-sent under the same id; one order', async () => {
    simulator.inject('POST /api/v3/order', { kind: 'timeout' });
    const order = await persisted();
    const outcome = await broker.send(order);
    expect(outcome.order.status).toBe('filled');
    expect(simulator.sendsOf(order.clientOrderId)).toBe(2);
    expect(simulatorOrdersOf(order.clientOrderId)).toHaveLength(1);
  });

  it('a request that reaches the venue after the client gave up: found on the second look, never sent twice', async () => {
    simulator.account.refuseDuplicateClientIds = false;
    // Held 600 ms before it is carried out: past the client's 400 ms timeout, within the 1 s recvWindow.
    simulator.inject('POST /api/v3/order', { kind: 'latency', latencyMs: 600 });
    const order = await persisted();
    try {
      const outcome = await broker.send(order);
      expect(outcome.order.status).toBe('filled');
      expect(simulator.sendsOf(order.clientOrderId)).toBe(1);
      expect(simulatorOrdersOf(order.clientOrderId)).toHaveLength(1);
    } finally {
      simulator.account.refuseDuplicateClientIds = true;
    }
  });

  it('a request that would arrive after its recvWindow is refused by the venue; the re-send is the only order', async () => {
    simulator.account.refuseDuplicateClientIds = false;
    simulator.inject('POST /api/v3/order', { kind: 'latency', latencyMs: 1_300 });
    const order = await persisted();
    try {
      const outcome = await broker.send(order);
      expect(outcome.order.status).toBe('filled');
      await new Promise((resolve) => setTimeout(resolve, 500)); // the held request is carried out, or refused
      expect(simulator.sendsOf(order.clientOrderId)).toBe(2);
      expect(simulatorOrdersOf(order.clientOrderId)).toHaveLength(1);
    } finally {
      simulator.account.refuseDuplicateClientIds = true;
    }
  });

  it('the venue stays down: the order stays pending (outcome unknown), the bot is paused, nothing duplicated', async () => {
    simulator.inject('*', ...Array.from({ length: 20 }, () => ({ kind: 'server-error' as const })));
    const order = await persisted();
    await expect(broker.send(order)).rejects.toBeInstanceOf(BotPausedError);
    simulator.clearFaults();
    const row = await database.asService((tx) => tx.orders.get(order.clientOrderId));
    expect(row.status).toBe('pending');
    expect(simulatorOrdersOf(order.clientOrderId).length).toBeLessThanOrEqual(1);
    expect(events.map((event) => event.type)).toContain('bot_paused');
  });

  it('insufficient funds: rejected with the reason; three in a row pause the bot and tell its owner', async () => {
    const tooBig = () => persisted({ qtyBase: 1000, quoteQty: undefined, side: 'sell' });
    const first = await broker.send(await tooBig());
    expect(first.order.status).toBe('rejected');
    expect(first.order.rejectReason).toMatch(/^insufficient-funds: .*insufficient balance/);
    await broker.send(await tooBig());
    await expect(broker.send(await tooBig())).rejects.toThrow(/3 orders in a row refused/);
    expect(events.filter((event) => event.type === 'order_failed')).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ type: 'bot_paused', botId: bot.id, userId: bot.userId });
  });

  it('a wrong API key pauses the bot at once; neither the logs nor the reasons hold the secret', async () => {
    const userId = await newUser(database, 'live-wrong-key');
    const { botId } = await newLiveBot(database, userId, { apiKey: 'wrong-api-key-000000' });
    bot = await database.asService((tx) => tx.bots.get(botId));
    broker = newBroker();
    const order = await persisted();
    await expect(broker.send(order)).rejects.toThrow(/refused the API key/);
    const row = await database.asService((tx) => tx.orders.get(order.clientOrderId));
    expect(row.status).toBe('rejected');
    const everything = [...logLines, JSON.stringify(events), row.rejectReason ?? ''].join('\n');
    expect(everything).not.toContain(SIMULATOR_SECRET);
    expect(everything).not.toMatch(/signature=[0-9a-f]{16}/);
  });

  it('a limit order rests on the exchange, fills as maker when the price comes to it, and its fill is recorded once', async () => {
    const order = await persisted({ type: 'limit', qtyBase: 0.01, quoteQty: undefined, limitPrice: 49_000 });
    const placed = await broker.send(order);
    expect(placed.order.status).toBe('open');
    expect(placed.fills).toEqual([]);
    const [resting] = simulatorOrdersOf(order.clientOrderId);
    expect(resting).toMatchObject({ type: 'LIMIT', status: 'NEW' });
    expect(formatDecimal(simulator.account.locked('USDT'))).toBe('490'); // a resting buy holds its quote

    simulator.account.setPrice('BTCUSDT', '48900');
    const filled = await broker.refresh(order);
    expect(filled.order.status).toBe('filled');
    expect(filled.fills).toEqual([expect.objectContaining({ priceQuote: 49_000, qtyBase: 0.01, liquidity: 'maker' })]);
    expect((await broker.refresh(order)).fills).toEqual([]);
    expect(await fillsOf(order.clientOrderId)).toHaveLength(1);
    simulator.account.setPrice('BTCUSDT', '50000');
  });

  it('where the market offers no STOP_LOSS, a stop goes as STOP_LOSS_LIMIT a little below its trigger', async () => {
    const venue = newSimulator({ USDT: '0', BTC: '1' });
    venue.account.orderTypes = ['LIMIT', 'MARKET', 'STOP_LOSS_LIMIT'];
    await venue.start();
    try {
      broker = newBroker(testVenueSettings(venue.url));
      const order = await persisted({
        type: 'stop',
        side: 'sell',
        qtyBase: 0.5,
        quoteQty: undefined,
        stopPrice: 45_000,
      });
      expect((await broker.send(order)).order.status).toBe('open');
      const sent = venue.calls.find((call) => call.params.get('newClientOrderId') === order.clientOrderId);
      expect(sent?.params.get('type')).toBe('STOP_LOSS_LIMIT');
      expect(sent?.params.get('stopPrice')).toBe('45000');
      expect(sent?.params.get('price')).toBe('44550');
      // A gap through the limit: triggered, but nothing fills below it (field notes §6) until the price is back.
      venue.account.setPrice('BTCUSDT', '44000');
      expect((await broker.refresh(order)).order.status).toBe('open');
      venue.account.setPrice('BTCUSDT', '44600');
      const filled = await broker.refresh(order);
      expect(filled.order.status).toBe('filled');
      expect(filled.fills).toEqual([expect.objectContaining({ priceQuote: 44_550, qtyBase: 0.5 })]);
    } finally {
      await venue.stop();
    }
  });
});
