/**
 * The worker's shared group commit of equity points: most candles of most bots write nothing but their equity
 * point, and one INSERT … RETURNING of up to a thousand bots' points costs about what one bot's own transaction
 * did. Each point is still its bot's own: the bot awaits its row's commit (the point marks the candle processed:
 * restore.ts resumes after it), and a point the database refuses fails only its bot. Several flushes run at once
 * (each its own pooled connection): the bots one statement released compute their next candle while it commits and
 * the next fills, instead of the worker idling on the round trip. A bot's points are never in two at once.
 */
import { formatDecimal } from '@keel/core/money/format.ts';
import type { Ledger } from '@keel/core/portfolio/ledger.ts';
import {
  type Bot,
  ConstraintViolationError,
  type Database,
  type EquitySnapshot,
  type EquitySnapshotInput,
  InvalidInputError,
} from '@keel/db';
import { type WriteBatcher, writeBatcher } from './write-batcher.ts';

export type EquityBatcher = WriteBatcher<EquitySnapshotInput, EquitySnapshot>;

/** The bot's equity and cash at candle `time` (its open time, ms), as the ledger has them: exact decimals. */
export function equityPoint(bot: Bot, ledger: Ledger, time: number): EquitySnapshotInput {
  return {
    userId: bot.userId,
    botId: bot.id,
    time,
    equityQuote: formatDecimal(ledger.equityQuoteExact()),
    cashQuote: formatDecimal(ledger.cashQuoteExact),
  };
}

/** Errors one row can cause (a duplicate point, a deleted bot, bad input): the batch is split to find the row. */
function isRowError(error: unknown): boolean {
  return error instanceof ConstraintViolationError || error instanceof InvalidInputError;
}

/**
 * Flushes of equity points running at once. One left the worker idle during each commit; two took 2,000 ensemble
 * bots from 13.7 k to 16.7 k bot-candles/s (bench/worker-scale.ts, PostgreSQL on the same 2 cores, mean of 3 pairs,
 * issue #9); three measured no better, and every one holds a pooled connection.
 */
export const EQUITY_FLUSHES_IN_FLIGHT = 2;

export interface EquityBatcherOptions {
  /** Most points in one statement; default DEFAULT_MAX_BATCH_ROWS. */
  maxBatchRows?: number;
  /** Most statements in flight at once; default EQUITY_FLUSHES_IN_FLIGHT. */
  maxFlushesInFlight?: number;
}

export function equityBatcher(database: Database, options: EquityBatcherOptions = {}): EquityBatcher {
  return writeBatcher({
    write: (points) => database.asService((tx) => tx.equity.insertReturning(points)),
    isRowError,
    writerOf: (point) => point.botId,
    maxFlushesInFlight: EQUITY_FLUSHES_IN_FLIGHT,
    ...options,
  });
}
