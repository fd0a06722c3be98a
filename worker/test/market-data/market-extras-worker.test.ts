/**
 * Market extras in the running worker: paper bots on live ccxt candles from a loopback Binance, with the worker's
 * MarketExtrasHub polling the same venue's order books and funding rates. Three bots on one market cost one poll
 * of each; a venue answering 500s and garbage for them is logged and masked while every bot goes on trading.
 */
import { readFileSync } from 'node:fs';
import { parseCandlesCsv } from '@keel/core/market/csv.ts';
import { type Candle, candleAt } from '@keel/core/market/types.ts';
import type { Database } from '@keel/db';
import { inProcessBus } from '@keel/realtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../../packages/core/test/shared-data.ts';
import type { Logger } from '../../src/logger.ts';
import { silentLogger } from '../../src/logger.ts';
import type { CandleSource, MarketFeed } from '../../src/market/candle-source.ts';
import { ccxtCandleSource } from '../../src/market/ccxt-candle-source.ts';
import { ccxtMarketExtras } from '../../src/market/ccxt-market-extras.ts';
import { MarketExtrasHub } from '../../src/market/market-extras-hub.ts';
import { type RunningWorker, startWorker } from '../../src/worker.ts';
import { claimsFor, newUser, waitFor } from '../harness.ts';
import { openExclusiveDatabase } from '../live-fixtures.ts';
import { LoopbackMarketExtrasServer } from './loopback-market-extras-server.ts';

const HOUR_MS = 3_600_000;
/** Closed candles before the first live one: past the feature engine's 649-candle warm-up. */
const HISTORY = 700;
const LIVE_CANDLES = 3;
const BOTS = 3;

const exclusive = hasSharedData() ? await openExclusiveDatabase('worker_extras') : null;
if (exclusive === null)
  console.warn('market-extras-worker.test.ts skipped: DATABASE_URL or the shared data is missing');

describe.skipIf(exclusive === null)('market extras in the worker', () => {
  const database = exclusive?.database as Database;
  let server: LoopbackMarketExtrasServer;
  let candles: Candle[];
  let worker: RunningWorker | null = null;

  beforeAll(async () => {
    const text = readFileSync(dataFile('BTC-USDT_1h.csv'), 'utf8')
      .split('\n')
      .slice(0, HISTORY + 11)
      .join('\n');
    const series = parseCandlesCsv(text, 'BTC-USDT_1h.csv');
    candles = Array.from({ length: series.length }, (_, i) => candleAt(series, i));
    server = new LoopbackMarketExtrasServer(0, candles, HOUR_MS);
    server.books.set('BTCUSDT', { bids: [[100, 2]], asks: [[100.1, 1]] });
    await server.start();
  });
  afterEach(async () => {
    await worker?.stop();
    worker = null;
    await database.asService((tx) => tx.query(`update public.bots set desired_state = 'stopped'`));
    server.depthOverride = null;
    server.premiumIndexOverride = null;
  });
  afterAll(async () => {
    await server.stop();
    await database.close();
  });

  /** A running paper bot on BTC-USDT 1h whose agent reads the feature vector (sma-cross bots do not). */
  function newAgentBot(userId: string, name: string): Promise<string> {
    return database.asUser(claimsFor(userId), async (tx) => {
      const bot = await tx.bots.create({
        name,
        exchange: 'binance',
        symbols: ['BTC-USDT'],
        timeframe: '1h',
        agents: [{ name: 'balanced' }],
        paperStartingCashQuote: '10000',
      });
      await tx.bots.setDesiredState(bot.id, 'running');
      return bot.id;
    });
  }

  function openTime(index: number): number {
    return (candles[index] as Candle).time;
  }

  async function runBots(pollMs: number, logger: Logger): Promise<string[]> {
    server.nowMs = openTime(HISTORY) + 60_000;
    const now = () => server.nowMs;
    const env = { KEEL_EXCHANGE_URL_BINANCE: server.url };
    const userId = await newUser(database, 'extras');
    const botIds: string[] = [];
    for (let bot = 0; bot < BOTS; bot++) botIds.push(await newAgentBot(userId, `extras ${bot}`));
    const feeds: MarketFeed[] = [];
    const live = ccxtCandleSource({
      exchangeIds: ['binance'],
      logger: silentLogger,
      env,
      warmupCandles: HISTORY,
      pollMs: 20,
      now,
    });
    // The feeds are kept to wait for their history: a clock moved on before it is loaded would make history of the live candles.
    const source: CandleSource = {
      ...live,
      liveFeed(symbol: string, timeframe: string) {
        const feed = (live.liveFeed as NonNullable<CandleSource['liveFeed']>)(symbol, timeframe);
        feeds.push(feed);
        return feed;
      },
    };
    worker = await startWorker({
      database,
      bus: inProcessBus(),
      logger: silentLogger,
      dataDir: '/nonexistent/keel-data',
      replaySpeed: 'max',
      workerId: 'extras-test',
      pollMs: 100,
      env: { WORKER_PORT: 'off' },
      source,
      marketExtras: new MarketExtrasHub({
        source: ccxtMarketExtras({ exchangeId: 'binance', env, now, retry: { attempts: 2, baseDelayMs: 1 } }),
        logger,
        orderBookPollMs: pollMs,
        fundingPollMs: pollMs,
        now,
      }),
    });
    const running = worker;
    await waitFor('the bots running', async () => (running.runningBots().length === BOTS ? true : null));
    const lastHistoryOpen = openTime(HISTORY - 1);
    await waitFor('the history loaded', async () => {
      const series = feeds[0]?.series;
      return series !== undefined && series.time[series.length - 1] === lastHistoryOpen ? true : null;
    });
    return botIds;
  }

  /** Closes LIVE_CANDLES more candles and waits until every bot has booked each of them. */
  async function tradeLiveCandles(botIds: string[]): Promise<void> {
    server.nowMs = openTime(HISTORY + LIVE_CANDLES) + 60_000;
    await waitFor(
      'every bot to book the live candles',
      async () => {
        const rows = await database.asService((tx) =>
          tx.query('select count(*)::int as n from public.equity_snapshots where bot_id = any($1::uuid[])', [botIds]),
        );
        return rows[0]?.n === BOTS * LIVE_CANDLES ? true : null;
      },
      120_000,
    );
    expect(worker?.runningBots().sort()).toEqual([...botIds].sort());
  }

  it('polls a market once for all the bots trading it', async () => {
    const depthBefore = server.depthRequests.length;
    const fundingBefore = server.premiumIndexRequests.length;
    const botIds = await runBots(HOUR_MS, silentLogger);
    await tradeLiveCandles(botIds);
    expect(server.depthRequests.length - depthBefore).toBe(1);
    expect(server.premiumIndexRequests.length - fundingBefore).toBe(1);
  }, 180_000);

  it('bots keep trading while the venue answers 500s and garbage; the reasons are logged', async () => {
    server.depthOverride = { status: 500, body: '{"code":-1000,"msg":"An unknown error occurred."}' };
    server.premiumIndexOverride = { status: 200, body: '{"symbol":"BTCUSDT","lastFundingRate":"abc"}' };
    const warnings: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (fields) => warnings.push(String((fields as { reason?: unknown }).reason)),
      error() {},
      child: () => logger,
    };
    const botIds = await runBots(50, logger);
    await tradeLiveCandles(botIds);
    expect(warnings).toContain('binance {"code":-1000,"msg":"An unknown error occurred."}');
    expect(warnings).toContain('ccxt:binance funding rate of BTC/USDT:USDT rejected: funding rate missing');
  }, 180_000);
});
