/**
 * The cold tier's read side: candles older than the warm tier keeps (public.candles, 30 days), as the worker wrote
 * them to the time-series store (measurement `candles`, tags symbol + timeframe, fields open…volume, ms
 * precision). Charts (the edge's GET /v1/candles) and the worker's downsampler read through it.
 *
 * Web standards only (fetch, no `node:` module): the edge imports this folder on Node and on Deno.
 */
import type { Candle } from '@keel/core/market/types.ts';

export interface ColdCandleRange {
  symbol: string;
  timeframe: string;
  /** Inclusive open time. */
  fromMs: number;
  /** Inclusive open time. */
  toMs: number;
}

export interface ColdCandleReader {
  /** Candles with open time in [fromMs, toMs], oldest first; only times where all five fields are stored. */
  read(range: ColdCandleRange): Promise<Candle[]>;
}

/** The store could not be read (unreachable, refused, or answered something unreadable); never carries the token. */
export class ColdTierReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ColdTierReadError';
  }
}

/** The five fields of a stored candle, as the worker writes them (worker/src/storage/influx-sink.ts). */
export const CANDLE_FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
export type CandleField = (typeof CANDLE_FIELDS)[number];

/** Default per read request: a chart waits at most this long for the cold part of its series. */
export const DEFAULT_COLD_READ_TIMEOUT_MS = 10_000;
