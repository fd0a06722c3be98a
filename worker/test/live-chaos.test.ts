/**
 * Chaos: a live worker process is killed with SIGKILL at random moments — during start-up and reconciliation,
 * while candles are booked, between persisting an order and sending it, between the exchange filling it and the
 * worker recording the fill (the simulator answers order requests late to widen that window) — and restarted,
 * ≥ 50 times, against the loopback exchange and a real PostgreSQL. The exchange accepts a re-used client order id
 * here (unlike Binance), so an order ever sent blindly twice would show. Afterwards, as on any restart, the bot is
 * reconciled, then: zero duplicate client order ids on the exchange, every exchange trade in Postgres exactly once
 * (and no fill the exchange does not know), and the bot's position equal to the exchange account's.
 * Seed: FAST_CHECK_SEED when set, else random (printed, to replay a failure).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { addDecimal, subDecimal } from '@keel/core/money/arithmetic.ts';
import { DECIMAL_ZERO } from '@keel/core/money/decimal.ts';
import { formatDecimal } from '@keel/core/money/format.ts';
import { decimalFromString } from '@keel/core/money/parse.ts';
import type { Database } from '@keel/db';
import { afterAll, describe, expect, it } from 'vitest';
import { openVenueForBot } from '../src/exchange/bot-venue.ts';
import { reconcileLiveBot } from '../src/exchange/reconcile.ts';
import { newUser, realCandleSlice } from './harness.ts';
import {
  newLiveBot,
  newSimulator,
  openExclusiveDatabase,
  TEST_MASTER_KEY,
  testVenueSettings,
} from './live-fixtures.ts';

const RUNS = 50;
const CANDLES = 3_000;
/** Share of kills aimed at start-up (before "ready"): restore and reconciliation. */
const EARLY_KILL_SHARE = 0.2;
const MAX_KILL_AFTER_READY_MS = 500;
const NODE = process.execPath;
const CHILD = join(import.meta.dirname, 'chaos-worker-child.ts');

const exclusive = await openExclusiveDatabase('worker_chaos');
const db = exclusive?.database ?? null;
if (db === null) console.warn('live-chaos.test.ts skipped: DATABASE_URL is not set');

/** mulberry32: a small seeded generator, so a failing run can be replayed with FAST_CHECK_SEED. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function spawnWorker(env: NodeJS.ProcessEnv, stderr: string[]): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(NODE, [CHILD], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const ready = new Promise<void>((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
  });
  return { child, ready };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

describe.skipIf(db === null)('chaos: kill -9 the live worker at random moments', () => {
  const database = db as Database;
  const simulator = newSimulator({ USDT: '1000000', BTC: '0' });
  afterAll(async () => {
    await database.asService((tx) => tx.query(`update public.bots set desired_state = 'stopped'`));
    await simulator.stop();
    await database.close();
  });

  it(`${RUNS} SIGKILLs: no duplicate order, no lost or doubled fill, positions equal the exchange's`, {
    // A cap, not a speed target: ~2 minutes on an idle 2-core machine, longer when it is shared.
    timeout: 480_000,
  }, async () => {
    const seed = Number(process.env.FAST_CHECK_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.info(`live-chaos seed ${seed} (FAST_CHECK_SEED=${seed} replays it)`);
    const random = seededRandom(seed);
    await simulator.start();
    simulator.account.refuseDuplicateClientIds = false;
    simulator.account.matching.tradesPerOrder = 2;

    const userId = await newUser(database, 'chaos');
    const { botId } = await newLiveBot(database, userId, { desiredState: 'running', fast: 2, slow: 4 });
    const env = {
      ...process.env,
      DATABASE_URL: exclusive?.url,
      KEEL_MASTER_KEY: TEST_MASTER_KEY,
      KEEL_MASTER_KEY_ID: 'k1',
      KEEL_EXCHANGE_URL_BINANCE: simulator.url,
      KEEL_DATA_DIR: realCandleSlice(CANDLES).dataDir,
      KEEL_WORKER_ID: `chaos-${seed}`,
      WORKER_PORT: 'off',
    };
    const stderr: string[] = [];
    let killsAfterOrders = 0;
    for (let run = 0; run < RUNS; run++) {
      // Late answers to order requests widen the "filled on the exchange, not yet recorded" window.
      simulator.clearFaults();
      simulator.inject(
        'POST /api/v3/order',
        ...Array.from({ length: 20 }, () => ({
          kind: 'delayed-response' as const,
          latencyMs: Math.floor(random() * 80),
        })),
      );
      const { child, ready } = spawnWorker(env, stderr);
      if (random() < EARLY_KILL_SHARE) {
        await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, random() * 1_200))]);
      } else {
        await Promise.race([ready, exited(child)]);
        await new Promise((resolve) => setTimeout(resolve, random() * MAX_KILL_AFTER_READY_MS));
      }
      if (simulator.account.orders.length > 0) killsAfterOrders++;
      child.kill('SIGKILL');
      await exited(child);
    }
    simulator.clearFaults();

    // One more start, stopped gracefully: it reconciles before trading, and leaves its positions rows derived.
    const last = spawnWorker(env, stderr);
    await last.ready;
    await new Promise((resolve) => setTimeout(resolve, random() * MAX_KILL_AFTER_READY_MS));
    last.child.kill('SIGTERM');
    await exited(last.child);
    // And the test asks the exchange itself, as the next start would.
    const bot = await database.asService((tx) => tx.bots.get(botId));
    expect(bot.state, stderr.join('').slice(-3000)).not.toBe('error');
    const venue = await openVenueForBot(database, testVenueSettings(simulator.url), bot);
    const outcome = await reconcileLiveBot(database, bot, venue);
    expect(outcome, stderr.join('').slice(-3000)).toEqual({
      status: 'reconciled',
      ordersResolved: [],
      stopsKept: expect.any(Array),
      fillsRecovered: 0,
    });
    // Only the protection guarding the position may still be working: a stop, or one OCO list's two legs (stop and
    // take profit), sells for no more than is held.
    const stopsKept = outcome.status === 'reconciled' ? outcome.stopsKept : [];
    expect(stopsKept.length).toBeLessThanOrEqual(2);
    const workingOnVenue = simulator.account.orders.filter((order) => order.status === 'NEW');
    expect(workingOnVenue.map((order) => order.clientOrderId).sort()).toEqual([...stopsKept].sort());
    if (workingOnVenue.length === 2) {
      expect(workingOnVenue.map((order) => order.type).sort()).toEqual(['LIMIT_MAKER', 'STOP_LOSS']);
      expect(new Set(workingOnVenue.map((order) => order.orderListId)).size, 'both legs of one list').toBe(1);
    }

    const venueOrders = simulator.account.orders;
    expect(venueOrders.length, 'the bot traded during the runs').toBeGreaterThanOrEqual(10);
    expect(simulator.account.orderLists.length, 'stops and take profits went as OCO lists').toBeGreaterThan(0);
    expect(killsAfterOrders).toBeGreaterThanOrEqual(RUNS / 2);
    const clientIds = venueOrders.map((order) => order.clientOrderId);
    expect(new Set(clientIds).size, 'duplicate client order ids on the exchange').toBe(clientIds.length);

    const fills = await database.asService((tx) => tx.fills.list({ botId, limit: 1000 }));
    const venueTrades = simulator.account.trades.map((trade) => {
      const order = venueOrders.find((candidate) => candidate.orderId === trade.orderId);
      return `${order?.clientOrderId}/${trade.id}`;
    });
    const recorded = fills.map((fill) => `${fill.clientOrderId}/${fill.tradeId}`);
    expect(new Set(recorded).size, 'a fill recorded twice').toBe(recorded.length);
    expect([...recorded].sort(), 'fills in Postgres = trades on the exchange').toEqual([...venueTrades].sort());

    const position = fills.reduce((sum, fill) => {
      const qty = decimalFromString(fill.qtyBase);
      return fill.side === 'buy' ? addDecimal(sum, qty) : subDecimal(sum, qty);
    }, DECIMAL_ZERO);
    expect(formatDecimal(position)).toBe(formatDecimal(simulator.account.balance('BTC')));
    const [positionRow] = await database.asService((tx) => tx.positions.list({ botId }));
    expect(formatDecimal(decimalFromString(positionRow?.qtyBase ?? '0'))).toBe(formatDecimal(position));

    const unsettled = await database.asService((tx) => tx.orders.listUnsettled(botId));
    expect(unsettled.map((order) => order.clientOrderId).sort()).toEqual([...stopsKept].sort());
    for (const protection of workingOnVenue) {
      expect(protection).toMatchObject({ side: 'SELL' });
      expect(['STOP_LOSS', 'LIMIT_MAKER']).toContain(protection.type);
      expect(protection.origQty <= simulator.account.balance('BTC')).toBe(true);
    }
    const failures = await database.asService((tx) => tx.audit.list({ userId }));
    expect(failures.filter((entry) => entry.action === 'worker.reconciliation_failed')).toEqual([]);
  });
});
