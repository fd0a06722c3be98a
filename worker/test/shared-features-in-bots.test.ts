/**
 * Bots reading the worker's shared feature vectors trade exactly as bots with a FeatureEngine of their own: the same
 * equity curve, decisions and orders, candle for candle, for a bot running from the first candle and for one that
 * joins late and warms up on the history. Ensemble bots (every rule agent reads the features) on real BTC-USDT 1h
 * candles, long enough to trade, through the real BotRunner, risk manager, paper broker and database.
 */
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import { type CandleSeries, sliceSeries } from '@keel/core/market/types.ts';
import type { Database } from '@keel/db';
import { inProcessBus } from '@keel/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../packages/core/test/shared-data.ts';
import { BotRunner } from '../src/bots/bot-runner.ts';
import { equityBatcher } from '../src/bots/equity-batcher.ts';
import { SharedFeatures } from '../src/bots/shared-features.ts';
import { silentLogger } from '../src/logger.ts';
import { claimsFor, databaseRequired, newUser, openTestDatabase } from './harness.ts';

/** Past the ensemble's 649-candle feature warm-up, with several hundred candles to trade on. */
const CANDLES = 1_400;
/** The candle the late bots join at: they catch up on 0…LATE_FROM − 1, then trade. */
const LATE_FROM = 900;

let db: Database | null = null;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe.skipIf((!process.env.DATABASE_URL && !databaseRequired) || !hasSharedData())(
  'shared features in the bots',
  () => {
    async function ensembleBot(database: Database, userId: string, name: string) {
      const id = await database.asUser(claimsFor(userId), async (tx) => {
        const bot = await tx.bots.create({
          name,
          exchange: 'binance',
          symbols: ['BTC-USDT'],
          timeframe: '1h',
          agents: [],
          paperStartingCashQuote: '10000',
        });
        return bot.id;
      });
      return database.asService((tx) => tx.bots.get(id));
    }

    /**
     * What the bot wrote, without its ids: the equity curve, its decisions and its orders (those of one candle share
     * their created_at and are ordered by what they are).
     */
    async function trail(database: Database, botId: string) {
      return database.asService(async (tx) => ({
        equity: await tx.query(
          `select time, equity_quote::text as equity, cash_quote::text as cash
           from public.equity_snapshots where bot_id = $1 order by time`,
          [botId],
        ),
        decisions: await tx.query(
          `select time, symbol, action, confidence::text as confidence, rationale
           from public.decisions where bot_id = $1 order by time, id`,
          [botId],
        ),
        orders: await tx.query(
          `select side, type, qty_base::text as qty, stop_price::text as stop, status, filled_qty_base::text as filled
           from public.orders where bot_id = $1 order by created_at, type, side, status, stop_price, qty_base`,
          [botId],
        ),
      }));
    }

    it('trade, early or late, exactly as bots with an engine of their own', async () => {
      const database = db as Database;
      const series: CandleSeries = sliceSeries(
        loadCandlesCsv(dataFile('BTC-USDT_1h.csv'), { symbol: 'BTC-USDT' }),
        0,
        CANDLES,
      );
      const userId = await newUser(database, 'shared-features');
      const sharedFeatures = new SharedFeatures();
      const equity = equityBatcher(database);
      const start = async (name: string, shared: boolean) =>
        BotRunner.start({
          database,
          bus: inProcessBus(),
          logger: silentLogger,
          bot: await ensembleBot(database, userId, name),
          equityBatcher: equity,
          ...(shared ? { sharedFeatures } : {}),
        });
      const early = { shared: await start('early shared', true), own: await start('early own', false) };
      const late = { shared: await start('late shared', true), own: await start('late own', false) };
      const feeding: Promise<void>[] = [];
      for (let index = 0; index < CANDLES; index++) {
        if (index === LATE_FROM) {
          feeding.push(late.shared.catchUpClosed(series, index - 1), late.own.catchUpClosed(series, index - 1));
        }
        const joined =
          index >= LATE_FROM ? [early.shared, early.own, late.shared, late.own] : [early.shared, early.own];
        // As the market feed does: the next candle only once every bot handled this one.
        await Promise.all([...feeding.splice(0), ...joined.map((runner) => runner.onCandle(series, index))]);
      }
      for (const runner of [early.shared, early.own, late.shared, late.own]) expect(runner.failure).toBeNull();

      for (const pair of [early, late]) {
        const shared = await trail(database, pair.shared.bot.id);
        const own = await trail(database, pair.own.bot.id);
        expect(shared).toEqual(own);
        expect(shared.orders.length).toBeGreaterThan(0);
      }
      expect((await trail(database, late.shared.bot.id)).equity.length).toBe(CANDLES - LATE_FROM);
      expect(sharedFeatures.size).toBe(1);
    }, 180_000);
  },
);
