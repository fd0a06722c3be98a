/**
 * Writes each closed candle to the warm tier (public.candles) once per market: the MarketHub calls it from the one
 * listener it adds per feed, not once per bot. The tier's 30-day window is kept by the retention job
 * (storage/retention-job.ts → candles.prune → keel.prune_candles).
 *
 * It never blocks the bots: record() only appends to a bounded in-memory batch; a timer (or a full batch) writes
 * the batch in one idempotent upsert on the service path. When the database is slow or down, batches wait and
 * retry; past `maxPending` candles the oldest are dropped (counted and logged), so memory stays bounded and the
 * replay never waits on storage. Rewriting a candle is harmless (the upsert keeps one row per market and time).
 */
import type { CandleSeries } from '@keel/core/market/types.ts';
import { type CandleInput, ConstraintViolationError, type Database, InvalidInputError } from '@keel/db';
import type { Logger } from '../logger.ts';

export interface CandleRecorderOptions {
  database: Database;
  logger: Logger;
  /** How often pending candles are written (default 1 s). */
  flushMs?: number;
  /** A batch this large is written at once, without waiting for the timer (default 500). */
  batchSize?: number;
  /** Most candles held while the database is unavailable; older ones are dropped first (default 50,000). */
  maxPending?: number;
}

export interface CandleRecorder {
  /** Queues candle `index` of `series` (just closed) for the warm tier; returns at once. */
  record(symbol: string, timeframe: string, series: CandleSeries, index: number): void;
  /** Writes what is pending now. */
  flush(): Promise<void>;
  /** Candles written, dropped for want of room, and waiting. */
  stats(): { written: number; dropped: number; pending: number };
  /** Writes what is pending (one last attempt) and stops the timers. */
  stop(): Promise<void>;
}

const DEFAULT_FLUSH_MS = 1000;
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_MAX_PENDING = 50_000;

export function candleRecorder(options: CandleRecorderOptions): CandleRecorder {
  const { database, logger } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
  let pending: CandleInput[] = [];
  let written = 0;
  let dropped = 0;
  let writing: Promise<void> | null = null;

  async function writePending(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      try {
        await database.asService((tx) => tx.candles.upsertMany(batch));
        written += batch.length;
      } catch (error) {
        if (error instanceof InvalidInputError || error instanceof ConstraintViolationError) {
          // A candle the table refuses will be refused again: drop the batch rather than retry it forever.
          dropped += batch.length;
          logger.error({ err: error, candles: batch.length }, 'candles refused by the warm tier: batch dropped');
          continue;
        }
        // Back in front of what arrived meanwhile, within the bound; the next flush retries.
        pending = [...batch, ...pending];
        dropOverflow();
        logger.warn({ err: error, pending: pending.length }, 'candles not written to the warm tier; will retry');
        return;
      }
    }
  }

  function flush(): Promise<void> {
    writing ??= writePending().finally(() => {
      writing = null;
    });
    return writing;
  }

  function dropOverflow(): void {
    const excess = pending.length - maxPending;
    if (excess <= 0) return;
    pending.splice(0, excess);
    dropped += excess;
    logger.warn({ dropped: excess }, 'warm-tier candle queue full: oldest candles dropped');
  }

  const flushTimer = setInterval(() => void flush(), options.flushMs ?? DEFAULT_FLUSH_MS);
  flushTimer.unref();

  return {
    record(symbol, timeframe, series, index) {
      pending.push({
        symbol,
        timeframe: timeframe as CandleInput['timeframe'],
        time: series.time[index] as number,
        open: series.open[index] as number,
        high: series.high[index] as number,
        low: series.low[index] as number,
        close: series.close[index] as number,
        volume: series.volume[index] as number,
      });
      dropOverflow();
      if (pending.length >= batchSize) void flush();
    },
    flush,
    stats: () => ({ written, dropped, pending: pending.length }),
    async stop() {
      clearInterval(flushTimer);
      await writing;
      await flush();
    },
  };
}
