/**
 * Backtests submitted through the API (a queued row in public.backtests, as POST /v1/backtests writes it) are run
 * by the worker: the stored result is exactly what the core's backtester gives on the same candles with the same
 * strategy, risk stage and warm-up; bad requests, markets without candles, a missing PPO model and a run over its
 * time limit fail with a reason the owner can act on; a backtest whose worker died is run again by another.
 */
import { runBacktest } from '@keel/core/backtest/engine.ts';
import { backtestDocument } from '@keel/core/backtest/result-document.ts';
import { type CandleSeries, candleAt, sliceSeries } from '@keel/core/market/types.ts';
import { RiskManager } from '@keel/core/risk/risk-manager.ts';
import { smaCross } from '@keel/core/strategy/sma-cross.ts';
import type { Backtest, Database } from '@keel/db';
import { victoriaExportCandleReader } from '@keel/db/cold-tier/victoria-export-reader.ts';
import { inProcessBus } from '@keel/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingVictoria, writeToVictoria } from '../../packages/db/test/cold-tier/victoria-writes.ts';
import { WARMUP_CANDLES } from '../src/backtests/backtest-candles.ts';
import { startBacktestQueue } from '../src/backtests/backtest-queue.ts';
import { silentLogger, startWorker } from '../src/index.ts';
import type { CandleSource } from '../src/market/candle-source.ts';
import { csvCandleSource } from '../src/market/csv-source.ts';
import { defaultDataDir } from '../src/market/data-dir.ts';
import { createWorkerMetrics, type WorkerMetrics } from '../src/observability/metrics.ts';
import { claimsFor, databaseRequired, newUser, openTestDatabase, realCandleSlice, waitFor } from './harness.ts';

const HOUR = 3_600_000;
let db: Database | null = null;
let source: CandleSource;
let btc: CandleSeries;

beforeAll(async () => {
  // A database of its own: every worker runs queued backtests, and other suites' workers trade other candles.
  db = await openTestDatabase('backtests');
  source = csvCandleSource(realCandleSlice(3_000).dataDir);
  btc = source.candles('BTC-USDT', '1h') as CandleSeries;
});
afterAll(async () => {
  await db?.close();
});

async function submit(database: Database, userId: string, params: Record<string, unknown>): Promise<string> {
  const backtest = await database.asUser(claimsFor(userId), (tx) => tx.backtests.queue({ params }));
  return backtest.id;
}

async function finished(database: Database, userId: string, id: string): Promise<Backtest> {
  return waitFor(
    `backtest ${id} to finish`,
    async () => {
      const backtest = await database.asUser(claimsFor(userId), (tx) => tx.backtests.get(id));
      return backtest.status === 'queued' || backtest.status === 'running' ? null : backtest;
    },
    120_000,
  );
}

/** The queue as the worker runs it, on `candles`, polling fast. */
function queueOn(
  database: Database,
  candles: CandleSource,
  extra: { maxRunMs?: number; silentMs?: number; metrics?: WorkerMetrics } = {},
) {
  return startBacktestQueue({
    database,
    source: candles,
    cold: null,
    modelsDir: null,
    logger: silentLogger,
    pollMs: 50,
    ...extra,
  });
}

/** keel_backtests_total by outcome, the outcomes counted only. */
async function outcomes(metrics: WorkerMetrics): Promise<Record<string, number>> {
  const counted: Record<string, number> = {};
  for (const { labels, value } of (await metrics.backtests.get()).values) {
    if (value > 0) counted[String(labels.outcome)] = value;
  }
  return counted;
}

const noCandles: CandleSource = { description: 'a live source (no history)', candles: () => null };

describe.skipIf(!process.env.DATABASE_URL && !databaseRequired)('backtests submitted through the API', () => {
  it('stores exactly what the backtester gives on the same candles, warm-up before `from` included', async () => {
    const database = db as Database;
    const userId = await newUser(database, 'bt-sma');
    const fromIndex = 1_500;
    const toIndex = 2_800;
    const from = btc.time[fromIndex] as number;
    const to = btc.time[toIndex] as number;
    const id = await submit(database, userId, {
      symbols: ['BTC-USDT'],
      timeframe: '1h',
      strategy: 'sma-cross',
      params: { fast: 5, slow: 20 },
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      feeRate: 0.002,
      initialCashQuote: 5_000,
      risk: 'default',
    });
    const queue = queueOn(database, source);
    try {
      const done = await finished(database, userId, id);
      expect(done.error).toBeNull();
      expect(done.status).toBe('succeeded');
      const expected = runBacktest(
        [sliceSeries(btc, fromIndex - WARMUP_CANDLES, toIndex)],
        smaCross({ fast: 5, slow: 20 }),
        {
          initialCashQuote: 5_000,
          costs: { takerFeeRate: 0.002, makerFeeRate: 0.002 },
          risk: new RiskManager(),
          startTradingAt: from,
        },
      );
      const document = JSON.parse(JSON.stringify(backtestDocument(expected, 5_000)));
      const result = done.metrics as Record<string, unknown>;
      expect(expected.trades.length).toBeGreaterThan(5);
      expect(result.metrics).toEqual(document.metrics);
      expect(result.trades).toEqual(document.trades);
      expect(result.equity).toEqual(document.equity);
      expect((result.equity as [number, number][])[0]?.[0]).toBe(from);
      expect(result.candles).toEqual([
        {
          symbol: 'BTC-USDT',
          origin: source.description,
          first: btc.time[fromIndex - WARMUP_CANDLES],
          last: btc.time[toIndex - 1],
          count: toIndex - fromIndex + WARMUP_CANDLES,
        },
      ]);
    } finally {
      await queue.stop();
    }
  });

  it('runs the agents as a bot would (the ensemble by default) and fails what cannot run, saying why', async () => {
    const database = db as Database;
    const userId = await newUser(database, 'bt-agents');
    const window = { from: new Date(btc.time[1_000] as number).toISOString(), timeframe: '1h' };
    const ensemble = await submit(database, userId, { ...window, symbols: ['BTC-USDT'], strategy: 'ensemble' });
    const ppo = await submit(database, userId, { ...window, symbols: ['BTC-USDT'], strategy: 'ppo' });
    const noMarket = await submit(database, userId, { ...window, symbols: ['XRP-USDT'], strategy: 'balanced' });
    // As an older release could have stored it, past today's validation.
    const stale = await submit(database, userId, {
      symbols: ['BTC-USDT'],
      strategy: 'sma-cross',
      params: { fast: 50, slow: 20 },
    });
    const metrics = createWorkerMetrics();
    const queue = queueOn(database, source, { metrics });
    try {
      const ran = await finished(database, userId, ensemble);
      expect(ran.status).toBe('succeeded');
      expect((ran.metrics as { strategy: string }).strategy).toMatch(/^ensemble of conservative, aggressive/);
      expect((ran.metrics as { metrics: { candles: number } }).metrics.candles).toBe(btc.length - 1_000);
      expect(await finished(database, userId, ppo)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/promoted PPO model/),
      });
      expect(await finished(database, userId, noMarket)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/no candles of XRP-USDT 1h/),
      });
      expect(await finished(database, userId, stale)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/not valid: params\.fast: must be below slow/),
      });
      expect(await outcomes(metrics)).toEqual({ succeeded: 1, failed: 3 });
      expect((await metrics.backtestDuration.get()).values.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(
        1,
      );
    } finally {
      await queue.stop();
    }
  });

  it('fails a run past its time limit, and stops it', async () => {
    const database = db as Database;
    const userId = await newUser(database, 'bt-limit');
    const id = await submit(database, userId, { symbols: ['BTC-USDT'], strategy: 'ensemble' });
    const metrics = createWorkerMetrics();
    const queue = queueOn(database, source, { maxRunMs: 1, metrics });
    try {
      expect(await finished(database, userId, id)).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/^stopped after/),
      });
      expect(await outcomes(metrics)).toEqual({ 'timed-out': 1 });
    } finally {
      await queue.stop();
    }
  });

  it('puts the backtest in hand back in the queue when its worker stops', async () => {
    const database = db as Database;
    const userId = await newUser(database, 'bt-stop');
    // The whole of BTC's hourly history through the ensemble: seconds of work, so the stop lands mid-run.
    const id = await submit(database, userId, { symbols: ['BTC-USDT'], strategy: 'ensemble' });
    const metrics = createWorkerMetrics();
    const queue = queueOn(database, csvCandleSource(defaultDataDir()), { metrics });
    let stopped = false;
    try {
      await waitFor('the backtest to start', async () => {
        const backtest = await database.asUser(claimsFor(userId), (tx) => tx.backtests.get(id));
        return backtest.status === 'running' ? true : null;
      });
      await queue.stop();
      stopped = true;
      const backtest = await database.asUser(claimsFor(userId), (tx) => tx.backtests.get(id));
      expect(backtest).toMatchObject({ status: 'queued', startedAt: null, metrics: null });
      expect(await outcomes(metrics)).toEqual({ requeued: 1 });
    } finally {
      if (!stopped) await queue.stop();
    }
    const next = queueOn(database, source);
    try {
      expect((await finished(database, userId, id)).status).toBe('succeeded');
    } finally {
      await next.stop();
    }
  });

  it('runs again a backtest whose worker died mid-run (no heartbeat for the silence allowed)', async () => {
    const database = db as Database;
    const userId = await newUser(database, 'bt-dead');
    const id = await submit(database, userId, { symbols: ['BTC-USDT'], strategy: 'sma-cross' });
    // A worker took it, then died: running, and no heartbeat since.
    await database.asService((tx) =>
      tx.query(`update public.backtests set status = 'running', started_at = now() where id = $1`, [id]),
    );
    const queue = queueOn(database, source, { silentMs: 200 });
    try {
      expect((await finished(database, userId, id)).status).toBe('succeeded');
    } finally {
      await queue.stop();
    }
  });

  it('reads stored candles when the source keeps no history: the cold tier before the database’s first', async (context) => {
    const skip = missingVictoria();
    if (skip !== null) return context.skip(skip);
    const database = db as Database;
    const userId = await newUser(database, 'bt-stored');
    // A market of its own, so other runs' rows never mix in: the real BTC candles under another name.
    const symbol = `BT${Date.now() % 100_000}-USDT`;
    const all = Array.from({ length: 2_000 }, (_, i) => candleAt(btc, i));
    const seam = 1_200;
    await writeToVictoria(process.env.VM_URL as string, symbol, '1h', all.slice(0, seam));
    await database.asService((tx) =>
      tx.candles.upsertMany(all.slice(seam).map((c) => ({ symbol, timeframe: '1h', ...c }))),
    );
    const id = await submit(database, userId, {
      symbols: [symbol],
      strategy: 'sma-cross',
      risk: 'none',
      from: new Date(all[1_000]?.time as number).toISOString(),
      to: new Date((all[1_999]?.time as number) + HOUR).toISOString(),
    });
    const queue = startBacktestQueue({
      database,
      source: noCandles,
      cold: victoriaExportCandleReader({ url: process.env.VM_URL as string, timeoutMs: 30_000 }),
      modelsDir: null,
      logger: silentLogger,
      pollMs: 50,
    });
    try {
      const done = await finished(database, userId, id);
      expect(done.error).toBeNull();
      // The database has no index to count back by: the warm-up is WARMUP_CANDLES hours of time (fewer candles
      // where the market has gaps, as 2018's BTC does).
      const first = all.findIndex((c) => c.time >= (all[1_000]?.time as number) - WARMUP_CANDLES * HOUR);
      const stored = done.metrics as { candles: { first: number; count: number; origin: string }[] };
      expect(stored.candles[0]).toMatchObject({
        first: all[first]?.time,
        count: 2_000 - first,
        origin: 'stored candles (database and cold tier)',
      });
      const expected = runBacktest([sliceSeries(btc, first, 2_000)], smaCross({}), {
        startTradingAt: all[1_000]?.time as number,
      });
      expect(expected.trades.length).toBeGreaterThan(3);
      expect((done.metrics as { metrics: unknown }).metrics).toEqual(JSON.parse(JSON.stringify(expected.metrics)));
    } finally {
      await queue.stop();
    }
  });

  it('is run by the worker itself', async () => {
    const database = db as Database;
    const userId = await newUser(database, 'bt-worker');
    const id = await submit(database, userId, { symbols: ['BTC-USDT'], strategy: 'contrarian' });
    const worker = await startWorker({
      database,
      bus: inProcessBus(),
      logger: silentLogger,
      dataDir: '',
      source,
      replaySpeed: 1,
      workerId: 'backtest-worker-test',
      env: { WORKER_PORT: 'off' },
    });
    try {
      expect((await finished(database, userId, id)).status).toBe('succeeded');
    } finally {
      await worker.stop();
    }
  });
});
