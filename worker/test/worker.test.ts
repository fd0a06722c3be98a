/**
 * The worker end to end on PostgreSQL: real candles replayed through a paper bot's pipeline, everything persisted
 * under the bot owner's row-level security, a restart that neither duplicates nor loses anything, and the same
 * fills the backtester produces on the same candles.
 */
import { runBacktest } from '@keel/core/backtest/engine.ts';
import { parseCandlesCsv } from '@keel/core/market/csv.ts';
import type { CandleSeries } from '@keel/core/market/types.ts';
import { formatDecimal } from '@keel/core/money/format.ts';
import { Ledger } from '@keel/core/portfolio/ledger.ts';
import { averageEntryPriceQuote } from '@keel/core/portfolio/position.ts';
import { RiskManager } from '@keel/core/risk/risk-manager.ts';
import { smaCross } from '@keel/core/strategy/sma-cross.ts';
import { ConstraintViolationError, type Database, type Fill } from '@keel/db';
import { inProcessBus, type StreamMessage } from '@keel/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreBot } from '../src/bots/restore.ts';
import { botRiskConfig } from '../src/bots/risk-for-bot.ts';
import { clientOrderIdFor, LOST_ON_RESTART, NEVER_SENT, silentLogger, startWorker } from '../src/index.ts';
import {
  claimsFor,
  databaseRequired,
  newRunningBot,
  newUser,
  openTestDatabase,
  realCandleSlice,
  waitFor,
} from './harness.ts';

const CANDLES = 400;
const HOUR_MS = 3_600_000;

let db: Database | null = null;
let series: CandleSeries;
let dataDir: string;

beforeAll(async () => {
  db = await openTestDatabase();
  const slice = realCandleSlice(CANDLES);
  dataDir = slice.dataDir;
  series = parseCandlesCsv(slice.csv, 'BTC-USDT_1h.csv');
});
afterAll(async () => {
  await db?.close();
});

function database(): Database {
  if (db === null) throw new Error('no database');
  return db;
}

const lastCandleTime = () => series.time[series.length - 1] as number;

/** Resolves once the bot has processed the last candle of the slice. */
function replayDone(botId: string) {
  return waitFor(`bot ${botId} to process the last candle`, async () => {
    const rows = await database().asService((tx) =>
      tx.query('select max(time) as time from public.equity_snapshots where bot_id = $1', [botId]),
    );
    const time = rows[0]?.time;
    return time instanceof Date && time.getTime() === lastCandleTime() ? true : null;
  });
}

function userView(userId: string, botId: string) {
  return database().asUser(claimsFor(userId), async (tx) => ({
    orders: await tx.orders.list({ botId, limit: 1000 }),
    fills: await tx.fills.list({ botId, limit: 1000 }),
    positions: await tx.positions.list({ botId }),
    equity: await tx.equity.list({ botId, limit: 100_000 }),
    decisions: await tx.decisions.list({ botId, limit: 1000 }),
    audit: await tx.audit.list({ limit: 1000 }),
  }));
}

function ascending(fills: Fill[]): Fill[] {
  return [...fills].sort((a, b) => a.time.getTime() - b.time.getTime() || Number(BigInt(a.id) - BigInt(b.id)));
}

function ledgerFromFills(fills: Fill[]): Ledger {
  const ledger = new Ledger({ initialCashQuote: '10000', symbols: ['BTC-USDT'] });
  for (const fill of ascending(fills)) {
    ledger.applyFill({
      clientOrderId: fill.clientOrderId,
      symbol: fill.symbol,
      side: fill.side,
      time: fill.time.getTime(),
      priceQuote: Number(fill.priceQuote),
      qtyBase: Number(fill.qtyBase),
      feeQuote: Number(fill.feeQuote),
      liquidity: fill.liquidity,
    });
  }
  return ledger;
}

/** The books the database shows agree with a ledger rebuilt from its fills; returns the view. */
async function expectConsistentBooks(userId: string, botId: string) {
  const view = await userView(userId, botId);
  const ids = view.orders.map((order) => order.clientOrderId);
  expect(new Set(ids).size).toBe(ids.length);
  const orderById = new Map(view.orders.map((order) => [order.clientOrderId, order]));
  for (const fill of view.fills) {
    const order = orderById.get(fill.clientOrderId);
    expect(order, `fill ${fill.id} has its order`).toBeDefined();
    expect(order?.createdAt.getTime()).toBeLessThanOrEqual(fill.createdAt.getTime());
  }
  for (const order of view.orders) {
    const filled = view.fills.filter((fill) => fill.clientOrderId === order.clientOrderId);
    expect(filled.reduce((sum, fill) => sum + Number(fill.qtyBase), 0)).toBeCloseTo(Number(order.filledQtyBase), 12);
  }
  // One equity point per candle, every candle, in order: nothing lost, nothing doubled.
  expect(view.equity.map((point) => point.time.getTime())).toEqual(Array.from(series.time));
  const ledger = ledgerFromFills(view.fills);
  ledger.mark(0, series.close[series.length - 1] as number);
  const last = view.equity[view.equity.length - 1];
  expect(last?.equityQuote).toBe(formatDecimal(ledger.equityQuoteExact()));
  expect(last?.cashQuote).toBe(formatDecimal(ledger.cashQuoteExact));
  const position = ledger.position('BTC-USDT');
  expect(view.positions).toHaveLength(1);
  expect(view.positions[0]?.qtyBase).toBe(formatDecimal(position.qtyBase));
  const averageEntry = averageEntryPriceQuote(position);
  expect(view.positions[0]?.avgEntryPriceQuote).toBe(averageEntry === null ? '0' : formatDecimal(averageEntry));
  return view;
}

describe.skipIf(!process.env.DATABASE_URL && !databaseRequired)('worker on PostgreSQL', () => {
  it('runs paper bots end to end: persisted, streamed, scoped to their owner, as the backtester trades', async () => {
    const userA = await newUser(database(), 'a');
    const userB = await newUser(database(), 'b');
    const botA = await newRunningBot(database(), userA, 'alpha');
    const botB = await newRunningBot(database(), userB, 'beta');
    const bus = inProcessBus();
    const streamed: StreamMessage[] = [];
    const unsubscribe = bus.subscribe(userA, (message) => streamed.push(message));
    const worker = await startWorker({
      database: database(),
      bus,
      logger: silentLogger,
      dataDir,
      replaySpeed: 'max',
      workerId: 'worker-e2e',
      pollMs: 100,
    });
    try {
      await Promise.all([replayDone(botA), replayDone(botB)]);
    } finally {
      await worker.stop();
      unsubscribe();
    }

    const view = await expectConsistentBooks(userA, botA);
    expect(view.fills.length).toBeGreaterThan(2);
    // Every order is the pipeline's, with its decision, or the risk manager's own (a protective stop, an exit).
    const riskOrders = view.orders.filter((order) => order.decisionId === null);
    expect(riskOrders.every((order) => order.clientOrderId.includes(':r:'))).toBe(true);
    expect(riskOrders.length).toBeGreaterThan(0);
    expect(view.decisions.length).toBeGreaterThanOrEqual(view.orders.length - riskOrders.length);
    expect(view.decisions[0]?.rationale.chosenAgent).toBe('built-in');
    // The database's triggers audited orders, fills and decisions; the worker its start.
    const actions = new Set(view.audit.map((entry) => entry.action));
    for (const action of ['worker.bot_started', 'order.insert', 'order.update', 'fill.insert', 'decision.insert']) {
      expect(actions).toContain(action);
    }

    // Row-level security: user A sees none of user B's bot, and B's bot did trade.
    expect(view.audit.every((entry) => entry.userId === userA)).toBe(true);
    const aSeesB = await userView(userA, botB);
    expect(aSeesB.orders.length + aSeesB.fills.length + aSeesB.positions.length + aSeesB.equity.length).toBe(0);
    expect(aSeesB.decisions).toHaveLength(0);
    const bView = await userView(userB, botB);
    expect(bView.fills.length).toBe(view.fills.length);
    const aAll = await database().asUser(claimsFor(userA), async (tx) => ({
      orders: await tx.orders.list({ limit: 1000 }),
      fills: await tx.fills.list({ limit: 1000 }),
    }));
    expect([...aAll.orders, ...aAll.fills].every((row) => row.userId === userA && row.botId === botA)).toBe(true);

    // The stream carried A's fills, orders, positions, equity, decisions and bot state, and only A's.
    const channels = new Set(streamed.map((message) => message.channel));
    for (const channel of ['fills', 'orders', 'positions', 'equity', 'decisions', 'bots']) {
      expect(channels).toContain(channel);
    }
    expect(streamed.every((message) => message.botId === botA)).toBe(true);

    // The same pipeline as the backtester: same candles, same strategy, same fills.
    const backtest = runBacktest([series], smaCross({ fast: 5, slow: 20 }), {
      initialCashQuote: 10_000,
      risk: new RiskManager({ bot: botRiskConfig({}), userId: userA }),
    });
    const simplify = (fill: { side: string; time: number; priceQuote: number; qtyBase: number; feeQuote: number }) =>
      [fill.side, fill.time, fill.priceQuote, fill.qtyBase, fill.feeQuote].join(' ');
    expect(
      ascending(view.fills).map((fill) =>
        simplify({
          side: fill.side,
          time: fill.time.getTime(),
          priceQuote: Number(fill.priceQuote),
          qtyBase: Number(fill.qtyBase),
          feeQuote: Number(fill.feeQuote),
        }),
      ),
    ).toEqual(backtest.fills.map(simplify));

    await database().asUser(claimsFor(userA), (tx) => tx.bots.setDesiredState(botA, 'stopped'));
    await database().asUser(claimsFor(userB), (tx) => tx.bots.setDesiredState(botB, 'stopped'));
  });

  it('restarts mid-run without duplicating orders, losing fills or skipping a candle', async () => {
    const user = await newUser(database(), 'restart');
    const bot = await newRunningBot(database(), user, 'restarted');
    const common = { database: database(), bus: inProcessBus(), logger: silentLogger, dataDir, pollMs: 100 };
    const first = await startWorker({ ...common, replaySpeed: 150, workerId: 'worker-first' });
    try {
      await waitFor('two fills before the restart', async () => {
        const fills = await database().asService((tx) => tx.fills.list({ botId: bot }));
        return fills.length >= 2 ? true : null;
      });
    } finally {
      await first.stop();
    }
    const before = await userView(user, bot);
    expect(before.equity.length).toBeLessThan(CANDLES);
    expect(before.equity.length).toBeGreaterThan(20);
    const state = await database().asService((tx) => tx.bots.get(bot));
    expect(state.leaseOwner).toBeNull();
    expect(state.state).toBe('stopped');

    const second = await startWorker({ ...common, replaySpeed: 'max', workerId: 'worker-second' });
    try {
      await replayDone(bot);
    } finally {
      await second.stop();
    }
    const after = await expectConsistentBooks(user, bot);
    // Nothing persisted before the restart changed or vanished.
    const fillKey = (fill: Fill) => `${fill.clientOrderId}/${fill.tradeId}`;
    const afterFills = new Set(after.fills.map(fillKey));
    for (const fill of before.fills) expect(afterFills).toContain(fillKey(fill));
    for (const order of before.orders) {
      expect(after.orders.some((o) => o.clientOrderId === order.clientOrderId)).toBe(true);
    }
    // An order the first worker left working was closed, never re-sent, and never filled afterwards.
    for (const order of after.orders.filter((o) => o.rejectReason === LOST_ON_RESTART)) {
      expect(order.status).toBe('cancelled');
      expect(after.fills.filter((fill) => fill.clientOrderId === order.clientOrderId).length).toBe(
        before.fills.filter((fill) => fill.clientOrderId === order.clientOrderId).length,
      );
    }
    expect(after.orders.every((order) => ['filled', 'cancelled', 'rejected', 'open'].includes(order.status))).toBe(
      true,
    );
    expect(after.equity.at(-1)?.time.getTime()).toBe(lastCandleTime());
    expect(after.equity[1]?.time.getTime()).toBe((series.time[0] as number) + HOUR_MS);
    await database().asUser(claimsFor(user), (tx) => tx.bots.setDesiredState(bot, 'stopped'));
  });

  it('closes orders a previous run left unsettled, never re-sends them, and refuses a duplicate client order id', async () => {
    const user = await newUser(database(), 'unsettled');
    const botId = await newRunningBot(database(), user, 'unsettled');
    await database().asUser(claimsFor(user), (tx) => tx.bots.setDesiredState(botId, 'stopped'));
    const bot = await database().asService((tx) => tx.bots.get(botId));
    const time = series.time[10] as number;
    const sent = {
      botId,
      userId: user,
      symbol: 'BTC-USDT',
      side: 'buy' as const,
      type: 'market' as const,
      reason: 'test',
    };
    const openId = clientOrderIdFor(botId, 'BTC-USDT', time);
    const pendingId = clientOrderIdFor(botId, 'BTC-USDT', time + HOUR_MS);
    await database().asService(async (tx) => {
      await tx.orders.persist({ ...sent, clientOrderId: openId, quoteQty: '100' });
      await tx.orders.update(openId, { status: 'open', submitted: true });
      await tx.orders.persist({ ...sent, clientOrderId: pendingId, quoteQty: '100' });
    });
    await expect(
      database().asService((tx) => tx.orders.persist({ ...sent, clientOrderId: openId, quoteQty: '100' })),
    ).rejects.toBeInstanceOf(ConstraintViolationError);

    const restored = await database().asService((tx) => restoreBot(tx, bot));
    expect(restored.fillCount).toBe(0);
    expect(restored.resumeAfter).toBe(Number.NEGATIVE_INFINITY);
    const orders = await database().asUser(claimsFor(user), (tx) => tx.orders.list({ botId }));
    const byId = new Map(orders.map((order) => [order.clientOrderId, order]));
    expect(byId.get(openId)).toMatchObject({ status: 'cancelled', rejectReason: LOST_ON_RESTART });
    expect(byId.get(pendingId)).toMatchObject({ status: 'rejected', rejectReason: NEVER_SENT });
    expect(await database().asService((tx) => tx.orders.listUnsettled(botId))).toEqual([]);
  });
});
