/**
 * A paper bot that asks for the agents runs the meta-agent over the feature vector under its own risk manager:
 * its decisions carry the meta-agent's rationale (regime, chosen agent, every agent's vote, top features, the
 * user's risk tolerance, the risk verdict), the risk manager's own orders (protective stops) are recorded, and its
 * events reach the audit trail. Asking for 'ppo' with no promoted model runs the rule agents and says so.
 */
import type { Database } from '@keel/db';
import { inProcessBus } from '@keel/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, startWorker } from '../src/index.ts';
import { claimsFor, databaseRequired, newUser, openTestDatabase, realCandleSlice, waitFor } from './harness.ts';

const CANDLES = 3_000;

let db: Database | null = null;
let dataDir: string;

beforeAll(async () => {
  db = await openTestDatabase();
  dataDir = realCandleSlice(CANDLES).dataDir;
});
afterAll(async () => {
  await db?.close();
});

describe.skipIf(!process.env.DATABASE_URL && !databaseRequired)('agents in the worker', () => {
  it('trades through the meta-agent and the risk manager, with a rationale for every decision', async () => {
    const database = db as Database;
    const userId = await newUser(database, 'agents');
    await database.asUser(claimsFor(userId), (tx) => tx.profile.update({ riskTolerance: 'aggressive' }));
    const botId = await database.asUser(claimsFor(userId), async (tx) => {
      const bot = await tx.bots.create({
        name: 'ensemble',
        exchange: 'binance',
        symbols: ['BTC-USDT'],
        timeframe: '1h',
        agents: ['ppo', 'conservative', 'aggressive', 'balanced', 'contrarian'].map((name) => ({ name })),
        paperStartingCashQuote: '10000',
      });
      await tx.bots.setDesiredState(bot.id, 'running');
      return bot.id;
    });
    const worker = await startWorker({
      database,
      bus: inProcessBus(),
      logger: silentLogger,
      dataDir,
      replaySpeed: 'max',
      workerId: 'agents-test',
      pollMs: 100,
      env: { WORKER_PORT: 'off' },
    });
    try {
      await waitFor(
        'the bot to process every candle',
        async () => {
          const [row] = await database.asService((tx) =>
            tx.query('select count(*)::int as n from public.equity_snapshots where bot_id = $1', [botId]),
          );
          return row?.n === CANDLES ? true : null;
        },
        120_000,
      );
    } finally {
      await worker.stop();
    }

    const view = await database.asUser(claimsFor(userId), async (tx) => ({
      decisions: await tx.decisions.list({ botId, limit: 1000 }),
      orders: await tx.orders.list({ botId, limit: 1000 }),
      audit: await tx.audit.list({ limit: 1000 }),
    }));
    expect(view.decisions.length).toBeGreaterThan(0);
    for (const decision of view.decisions) {
      const rationale = decision.rationale as Record<string, unknown>;
      expect(['bull', 'bear', 'sideways']).toContain(rationale.regime);
      expect(rationale.riskTolerance).toBe('aggressive');
      expect((rationale.votes as { agent: string }[]).map((vote) => vote.agent).sort()).toEqual([
        'aggressive',
        'balanced',
        'conservative',
        'contrarian',
      ]);
      expect((rationale.topFeatures as unknown[]).length).toBeGreaterThan(0);
      expect(rationale.riskVerdict).toBeDefined();
    }
    const buys = view.orders.filter((order) => order.side === 'buy' && order.status === 'filled');
    expect(buys.length).toBeGreaterThan(0);
    // Each filled buy got a protective stop from the risk manager, recorded under its short deterministic id.
    const stops = view.orders.filter((order) => order.type === 'stop');
    expect(stops.length).toBeGreaterThanOrEqual(buys.length);
    expect(stops.every((order) => order.clientOrderId.length <= 36 && order.decisionId === null)).toBe(true);
    expect(view.audit.some((entry) => entry.action.startsWith('risk.'))).toBe(true);
  }, 180_000);
});
