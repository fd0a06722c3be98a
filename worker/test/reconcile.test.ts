/**
 * Restart reconciliation against the simulator and a real PostgreSQL: the exchange's report is authoritative,
 * a missing report is never "flat", and whatever cannot be explained leaves the bot stopped with a reason.
 */
import type { Bot, Database } from '@keel/db';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openVenueForBot } from '../src/exchange/bot-venue.ts';
import { NOT_ON_EXCHANGE, reconcileLiveBot } from '../src/exchange/reconcile.ts';
import type { BinanceSimulator } from './exchange-simulator/binance-simulator.ts';
import { databaseRequired, newUser, openTestDatabase } from './harness.ts';
import { newLiveBot, newSimulator, testVenueSettings } from './live-fixtures.ts';

const db = await openTestDatabase();
if (db === null && !databaseRequired) console.warn('reconcile.test.ts skipped: DATABASE_URL is not set');

describe.skipIf(db === null)('restart reconciliation with the exchange', () => {
  const database = db as Database;
  let simulator: BinanceSimulator;
  let bot: Bot;
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
    const userId = await newUser(database, 'reconcile');
    const { botId } = await newLiveBot(database, userId);
    bot = await database.asService((tx) => tx.bots.get(botId));
  });

  const reconcile = async () =>
    reconcileLiveBot(database, bot, await openVenueForBot(database, testVenueSettings(simulator.url), bot));

  async function persistPending(qtyBase = '0.01'): Promise<string> {
    sequence++;
    const clientOrderId = `${bot.id.slice(0, 12)}:BTCUSDT:r${sequence}`;
    await database.asService((tx) =>
      tx.orders.persist({
        botId: bot.id,
        userId: bot.userId,
        clientOrderId,
        symbol: 'BTC-USDT',
        side: 'buy',
        type: 'market',
        qtyBase,
        reason: 'test',
      }),
    );
    return clientOrderId;
  }

  /** The worker died after sending: the venue filled the order, Postgres holds it pending with no fill. */
  function fillOnVenueOnly(clientOrderId: string, qtyBase = '0.01') {
    return simulator.account.placeMarketOrder(
      { symbol: 'BTCUSDT', side: 'BUY', quantity: qtyBase, clientOrderId },
      Date.now(),
    );
  }

  it('a fill on the exchange unknown to Postgres is recorded, once, and the order settled', async () => {
    simulator.account.matching.tradesPerOrder = 2;
    const clientOrderId = await persistPending();
    const placed = fillOnVenueOnly(clientOrderId);
    simulator.account.matching.tradesPerOrder = 1;
    const outcome = await reconcile();
    expect(outcome).toEqual({
      status: 'reconciled',
      ordersResolved: [clientOrderId],
      stopsKept: [],
      fillsRecovered: 2,
    });
    const order = await database.asService((tx) => tx.orders.get(clientOrderId));
    expect(order).toMatchObject({
      status: 'filled',
      filledQtyBase: '0.01',
      exchangeOrderId: String(placed.order.orderId),
    });
    const fills = await database.asService((tx) => tx.fills.list({ clientOrderId }));
    expect(fills.map((fill) => fill.tradeId).sort()).toEqual(placed.trades.map((trade) => String(trade.id)).sort());
    // Asked again (another restart): nothing new, nothing doubled.
    expect(await reconcile()).toEqual({ status: 'reconciled', ordersResolved: [], stopsKept: [], fillsRecovered: 0 });
    expect(await database.asService((tx) => tx.fills.list({ clientOrderId }))).toHaveLength(2);
    const audit = await database.asService((tx) => tx.audit.list({ userId: bot.userId }));
    expect(audit.map((entry) => entry.action)).toContain('worker.bot_reconciled');
  });

  it('an order the exchange does not know is closed as never arrived — not re-sent, not assumed filled', async () => {
    const clientOrderId = await persistPending();
    const outcome = await reconcile();
    expect(outcome.status).toBe('reconciled');
    const order = await database.asService((tx) => tx.orders.get(clientOrderId));
    expect(order).toMatchObject({ status: 'rejected', rejectReason: NOT_ON_EXCHANGE, filledQtyBase: '0' });
    expect(simulator.sendsOf(clientOrderId)).toBe(0);
  });

  it('an order Postgres holds as open but the exchange denies cannot be explained: the bot stays stopped', async () => {
    const clientOrderId = await persistPending();
    await database.asService((tx) => tx.orders.update(clientOrderId, { status: 'open', submitted: true }));
    const outcome = await reconcile();
    expect(outcome).toMatchObject({ status: 'unexplained' });
    expect(outcome.status !== 'reconciled' && outcome.reason).toMatch(/unknown to the exchange/);
    const audit = await database.asService((tx) => tx.audit.list({ userId: bot.userId }));
    expect(audit.map((entry) => entry.action)).toContain('worker.reconciliation_failed');
  });

  it('a position the account does not hold cannot be explained: the bot stays stopped', async () => {
    const clientOrderId = await persistPending('0.5');
    // Postgres believes in 0.5 BTC bought; the exchange account holds none of it.
    await database.asService(async (tx) => {
      await tx.orders.update(clientOrderId, {
        status: 'filled',
        filledQtyBase: '0.5',
        filledQuote: '25000',
        submitted: true,
      });
      await tx.fills.insert({
        userId: bot.userId,
        botId: bot.id,
        clientOrderId,
        symbol: 'BTC-USDT',
        side: 'buy',
        tradeId: 'phantom-1',
        time: Date.now(),
        priceQuote: '50000',
        qtyBase: '0.5',
        feeQuote: '25',
        liquidity: 'taker',
      });
    });
    const outcome = await reconcile();
    expect(outcome).toMatchObject({ status: 'unexplained' });
    expect(outcome.status !== 'reconciled' && outcome.reason).toMatch(
      /holds 0\.5 BTC by its fills but the exchange account holds only/,
    );
  });

  it('an order still working on the exchange is cancelled there (never left unsupervised), then recorded', async () => {
    const clientOrderId = await persistPending();
    simulator.account.matching.fillRatio = '0';
    const placed = fillOnVenueOnly(clientOrderId);
    simulator.account.matching.fillRatio = '1';
    placed.order.status = 'NEW';
    const outcome = await reconcile();
    expect(outcome).toMatchObject({ status: 'reconciled', ordersResolved: [clientOrderId] });
    expect(placed.order.status).toBe('CANCELED');
    expect(
      simulator.calls.some(
        (call) => call.method === 'DELETE' && call.params.get('origClientOrderId') === clientOrderId,
      ),
    ).toBe(true);
    const order = await database.asService((tx) => tx.orders.get(clientOrderId));
    expect(order).toMatchObject({ status: 'cancelled', filledQtyBase: '0' });
  });

  it("an order working on the exchange under the bot's client order id that Postgres does not hold: unexplained", async () => {
    const placed = fillOnVenueOnly(`${bot.id.replaceAll('-', '').slice(0, 12)}:BTCUSDT:stray`);
    // Left resting (a limit order someone placed with the bot's ids): the exchange lists it as open.
    placed.order.status = 'NEW';
    const outcome = await reconcile();
    placed.order.status = 'FILLED';
    expect(outcome).toMatchObject({ status: 'unexplained' });
    expect(outcome.status !== 'reconciled' && outcome.reason).toMatch(/BTCUSDT:stray/);
  });

  it('an exchange that cannot be asked leaves the bot stopped (unreachable), the order untouched', async () => {
    const clientOrderId = await persistPending();
    simulator.inject('*', ...Array.from({ length: 20 }, () => ({ kind: 'server-error' as const })));
    const outcome = await reconcile();
    simulator.clearFaults();
    expect(outcome).toMatchObject({ status: 'unreachable' });
    const order = await database.asService((tx) => tx.orders.get(clientOrderId));
    expect(order.status).toBe('pending');
  });
});
