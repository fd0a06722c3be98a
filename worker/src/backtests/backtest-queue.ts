/**
 * Runs the backtests users submit (POST /v1/backtests, the dashboard's backtests page), one at a time per worker
 * process, oldest first; N workers share the queue (startNext: FOR UPDATE SKIP LOCKED).
 *
 * A run is one worker thread (backtest-thread.ts), so the bots' candles never wait behind it. While it runs, a
 * heartbeat stamps the backtest every HEARTBEAT_MS and learns whether its owner cancelled it (the thread is then
 * stopped). A worker that shuts down puts its backtest back in the queue; one that died leaves it silent, and any
 * worker requeues backtests silent for a minute. A run longer than maxRunMs fails with that reason, as does a bad
 * request (stored before validation tightened), a market without candles or a strategy that cannot run.
 */
import { Worker } from 'node:worker_threads';
import { BacktestCreate } from '@keel/contract';
import { type Backtest, type Database, NotFoundError } from '@keel/db';
import type { ColdCandleReader } from '@keel/db/cold-tier/cold-candle-reader.ts';
import { agentTolerance } from '../bots/risk-tolerance.ts';
import type { Logger } from '../logger.ts';
import type { CandleSource } from '../market/candle-source.ts';
import type { BacktestOutcome, WorkerMetrics } from '../observability/metrics.ts';
import { BacktestDataError, backtestCandles } from './backtest-candles.ts';
import type { BacktestJob } from './backtest-job.ts';
import type { BacktestThreadOutcome } from './backtest-thread.ts';

export interface BacktestQueueOptions {
  database: Database;
  /** The worker's candle source (a replay's real candles, or the synthetic market); else the stored candles. */
  source: CandleSource;
  /** The cold tier's reader (INFLUX_URL), for stored candles older than the database keeps; null: none. */
  cold: ColdCandleReader | null;
  modelsDir: string | null;
  logger: Logger;
  /** How often an idle queue is checked; default 2 s. */
  pollMs?: number;
  /** A run is stopped and failed after this long; default 10 min. */
  maxRunMs?: number;
  /** A running backtest not stamped for this long lost its worker and is run again; default 60 s. */
  silentMs?: number;
  /** Where outcomes and durations are counted (keel_backtests_total, keel_backtest_duration_seconds). */
  metrics?: Pick<WorkerMetrics, 'backtests' | 'backtestDuration'>;
}

export interface BacktestQueue {
  /** Stops polling, stops the run in progress and puts its backtest back in the queue. */
  stop(): Promise<void>;
}

const DEFAULT_POLL_MS = 2_000;
const DEFAULT_MAX_RUN_MS = 10 * 60_000;
const HEARTBEAT_MS = 2_000;
/** Many missed heartbeats: a worker that stamps its backtest every HEARTBEAT_MS is never taken for dead. */
const DEFAULT_SILENT_MS = 60_000;
const THREAD_URL = new URL('./backtest-thread.ts', import.meta.url);

type RunEnd = { kind: 'done'; outcome: BacktestThreadOutcome } | { kind: 'cancelled' } | { kind: 'timed-out' };

/** The thread's outcome, or why it was stopped first. */
function runInThread(job: BacktestJob, stillWanted: () => Promise<boolean>, maxRunMs: number, stopping: AbortSignal) {
  return new Promise<RunEnd>((resolve, reject) => {
    // Stopped while the candles were being read: no thread, the backtest goes back to the queue.
    if (stopping.aborted) return reject(new Error('worker stopping'));
    const thread = new Worker(THREAD_URL, { workerData: job });
    let settled = false;
    const end = (result: RunEnd | Error) => {
      if (settled) return;
      settled = true;
      clearInterval(heartbeat);
      clearTimeout(deadline);
      stopping.removeEventListener('abort', onStop);
      void thread.terminate();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onStop = () => end(new Error('worker stopping'));
    const heartbeat = setInterval(() => {
      stillWanted().then(
        (wanted) => {
          if (!wanted) end({ kind: 'cancelled' });
        },
        () => {}, // a missed beat is retried on the next one; the silence allowed is many beats
      );
    }, HEARTBEAT_MS);
    const deadline = setTimeout(() => end({ kind: 'timed-out' }), maxRunMs);
    stopping.addEventListener('abort', onStop);
    thread.once('message', (outcome: BacktestThreadOutcome) => end({ kind: 'done', outcome }));
    thread.once('error', (error) =>
      end({ kind: 'done', outcome: { ok: false, error: `backtest crashed: ${error.message}` } }),
    );
    thread.once('exit', (code) =>
      end({ kind: 'done', outcome: { ok: false, error: `backtest thread exited (${code})` } }),
    );
  });
}

export function startBacktestQueue(options: BacktestQueueOptions): BacktestQueue {
  const { database, logger } = options;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const maxRunMs = options.maxRunMs ?? DEFAULT_MAX_RUN_MS;
  const silentMs = options.silentMs ?? DEFAULT_SILENT_MS;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> = Promise.resolve();

  /** Records the outcome; a backtest cancelled or deleted since its last heartbeat has nothing left to record. */
  async function finish(backtestId: string, outcome: { metrics: Record<string, unknown> } | { error: string }) {
    try {
      await database.asService((tx) => tx.backtests.finish(backtestId, outcome));
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }

  const count = (outcome: BacktestOutcome) => options.metrics?.backtests.inc({ outcome });

  async function fail(backtest: Backtest, error: string, outcome: BacktestOutcome = 'failed'): Promise<void> {
    logger.info({ backtestId: backtest.id, userId: backtest.userId, error }, 'backtest failed');
    count(outcome);
    await finish(backtest.id, { error });
  }

  async function jobFor(backtest: Backtest): Promise<BacktestJob | string> {
    const parsed = BacktestCreate.safeParse(backtest.params);
    if (!parsed.success) {
      return `the request is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
    }
    const request = parsed.data;
    const fromMs = request.from === undefined ? null : Date.parse(request.from);
    const window = {
      timeframe: request.timeframe,
      fromMs,
      toMs: request.to === undefined ? null : Date.parse(request.to),
    };
    try {
      const candles = await backtestCandles(options, request.symbols, window, Date.now());
      const profile = await database.asService((tx) => tx.profiles.get(backtest.userId));
      return {
        request: {
          strategy: request.strategy,
          params: request.params,
          feeRate: request.feeRate,
          initialCashQuote: request.initialCashQuote,
          risk: request.risk,
        },
        series: candles.map((found) => found.series),
        origins: candles.map((found) => found.origin),
        startTradingAt: fromMs,
        riskTolerance: agentTolerance(profile.riskTolerance),
        modelsDir: options.modelsDir,
      };
    } catch (error) {
      if (error instanceof BacktestDataError) return error.message;
      throw error;
    }
  }

  async function run(backtest: Backtest): Promise<void> {
    const started = performance.now();
    const job = await jobFor(backtest);
    if (typeof job === 'string') return fail(backtest, job);
    const stillWanted = () => database.asService((tx) => tx.backtests.stillRunning(backtest.id));
    let end: RunEnd;
    try {
      end = await runInThread(job, stillWanted, maxRunMs, stopping.signal);
    } catch (error) {
      if (!stopping.signal.aborted) throw error;
      await database.asService((tx) => tx.backtests.requeue(backtest.id));
      count('requeued');
      logger.info({ backtestId: backtest.id }, 'backtest put back in the queue: the worker is stopping');
      return;
    }
    if (end.kind === 'cancelled') {
      count('cancelled');
      logger.info({ backtestId: backtest.id }, 'backtest cancelled by its owner: run stopped');
      return;
    }
    if (end.kind === 'timed-out') {
      return fail(backtest, `stopped after ${maxRunMs / 1000} s: narrow from/to`, 'timed-out');
    }
    if (!end.outcome.ok) return fail(backtest, end.outcome.error);
    await finish(backtest.id, { metrics: end.outcome.result as Record<string, unknown> });
    const seconds = (performance.now() - started) / 1000;
    count('succeeded');
    options.metrics?.backtestDuration.observe(seconds);
    logger.info({ backtestId: backtest.id, userId: backtest.userId, seconds }, 'backtest succeeded');
  }

  /** Requeues the backtests of dead workers, then runs queued ones until none is left or the worker stops. */
  async function drain(): Promise<void> {
    await database.asService((tx) => tx.backtests.requeueSilent(silentMs));
    for (;;) {
      if (stopping.signal.aborted) return;
      const backtest = await database.asService((tx) => tx.backtests.startNext());
      if (backtest === null) return;
      logger.info({ backtestId: backtest.id, userId: backtest.userId }, 'backtest started');
      await run(backtest).catch(async (error: unknown) => {
        logger.error({ backtestId: backtest.id, error: String(error) }, 'backtest run failed');
        await fail(backtest, 'the worker could not run it (logged); submit it again').catch(() => {});
      });
    }
  }

  function schedule(): void {
    if (stopping.signal.aborted) return;
    timer = setTimeout(() => {
      current = drain()
        .catch((error: unknown) => logger.warn({ error: String(error) }, 'backtest queue check failed'))
        .finally(schedule);
    }, pollMs);
  }

  schedule();
  return {
    async stop() {
      stopping.abort();
      if (timer !== null) clearTimeout(timer);
      await current;
    },
  };
}
