/**
 * A market's whole candle history for GET /v1/candles: the warm tier (public.candles, the last 30 days) and, for
 * what lies before the warm tier's first candle of that market, the cold tier (ColdCandleReader). The two meet at
 * the seam — the warm tier's first candle — so each time comes from one tier only; where both hold a candle the
 * warm one is kept.
 *
 * The cold part is read in windows walking away from the seam (forward from `from` when paging, backward from the
 * seam for "the newest `limit`"), each window GROWTH times the last, until `limit` candles are in or the span is
 * done: a dense history costs one read, a market with no cold history a handful (log of the span), never one read
 * of years of minutes.
 */

import type { Candle } from '@keel/core/market/types.ts';
import type { CandleRangeOptions, StoredCandle } from '@keel/db';
import type { ColdCandleReader } from '@keel/db/cold-tier/cold-candle-reader.ts';

/** The warm tier as the route reads it: the user's transaction's `candles` repository. */
export interface WarmCandles {
  range(options: CandleRangeOptions): Promise<StoredCandle[]>;
}

export interface CandleHistoryRequest {
  symbol: string;
  timeframe: string;
  /** One candle's length (TIMEFRAME_MS). */
  timeframeMs: number;
  /** Inclusive; with it, the oldest `limit` candles from here (paging forward). */
  fromMs?: number;
  /** Exclusive; default now. */
  toMs?: number;
  limit: number;
  nowMs: number;
}

/** What the warm tier answered, read in the user's transaction before the cold tier is asked (outside it). */
export interface WarmPart {
  candles: StoredCandle[];
  /** The market's first warm candle, when paging from `from` (null: the warm tier has none of this market). */
  firstMs: number | null;
}

/** A span of open times to read from the cold tier, both ends inclusive, and which end to walk from. */
export interface ColdSpan {
  fromMs: number;
  toMs: number;
  /** How many candles are wanted from it. */
  wanted: number;
  /** 'forward': the oldest `wanted` of the span; 'backward': the newest. */
  walk: 'forward' | 'backward';
}

/**
 * No market has candles before Bitcoin's first block (2009-01-03): a span reaching back further is cut here, so a
 * `from` of 1970 costs no reads of empty decades.
 */
export const HISTORY_STARTS_MS = Date.UTC(2009, 0, 1);
/** Each cold window is this many times the one before. */
const GROWTH = 4;

/** The warm tier's part: the requested page, and (when paging) where the market's warm history begins. */
export async function readWarmPart(
  warm: WarmCandles,
  request: CandleHistoryRequest,
  withCold: boolean,
): Promise<WarmPart> {
  const candles = await warm.range({
    symbol: request.symbol,
    timeframe: request.timeframe,
    limit: request.limit,
    ...(request.fromMs === undefined ? {} : { from: new Date(request.fromMs) }),
    ...(request.toMs === undefined ? {} : { to: new Date(request.toMs) }),
  });
  if (!withCold || request.fromMs === undefined) return { candles, firstMs: null };
  // The oldest candle from the epoch on is the market's first (the table's key walks there directly).
  const [first] = await warm.range({
    symbol: request.symbol,
    timeframe: request.timeframe,
    from: new Date(0),
    limit: 1,
  });
  return { candles, firstMs: first?.openTime ?? null };
}

/** The part of the request the warm tier cannot answer, or null when it answers all of it. */
export function coldSpanOf(request: CandleHistoryRequest, warm: WarmPart): ColdSpan | null {
  const endMs = request.toMs ?? request.nowMs + 1;
  if (request.fromMs !== undefined) {
    if (warm.firstMs !== null && request.fromMs >= warm.firstMs) return null;
    const seamMs = Math.min(endMs, warm.firstMs ?? endMs);
    const fromMs = Math.max(request.fromMs, HISTORY_STARTS_MS);
    return fromMs < seamMs ? { fromMs, toMs: seamMs - 1, wanted: request.limit, walk: 'forward' } : null;
  }
  // Fewer than `limit` newest warm candles: the warm tier has nothing older before `to`.
  if (warm.candles.length >= request.limit) return null;
  const seamMs = warm.candles[0]?.openTime ?? endMs;
  if (seamMs <= HISTORY_STARTS_MS) return null;
  return { fromMs: HISTORY_STARTS_MS, toMs: seamMs - 1, wanted: request.limit - warm.candles.length, walk: 'backward' };
}

/** The span's `wanted` candles (oldest or newest, per its walk), oldest first. */
export async function readColdSpan(
  cold: ColdCandleReader,
  request: CandleHistoryRequest,
  span: ColdSpan,
): Promise<StoredCandle[]> {
  const market = { symbol: request.symbol, timeframe: request.timeframe };
  let windowMs = span.wanted * request.timeframeMs;
  const found: StoredCandle[][] = [];
  let count = 0;
  let fromMs = span.fromMs;
  let toMs = span.toMs;
  while (fromMs <= toMs && count < span.wanted) {
    const window =
      span.walk === 'forward'
        ? { fromMs, toMs: Math.min(toMs, fromMs + windowMs - 1) }
        : { fromMs: Math.max(fromMs, toMs - windowMs + 1), toMs };
    const candles = (await cold.read({ ...market, ...window })).map(storedCandle);
    count += candles.length;
    if (span.walk === 'forward') {
      found.push(candles);
      fromMs = window.toMs + 1;
    } else {
      found.unshift(candles);
      toMs = window.fromMs - 1;
    }
    windowMs *= GROWTH;
  }
  const all = found.flat();
  return span.walk === 'forward' ? all.slice(0, span.wanted) : all.slice(-span.wanted);
}

/** Both tiers' candles as one series, oldest first, one candle per open time: the warm tier's where both have one. */
export function mergeWarmOverCold(cold: readonly StoredCandle[], warm: readonly StoredCandle[]): StoredCandle[] {
  const byTime = new Map<number, StoredCandle>();
  for (const candle of cold) byTime.set(candle.openTime, candle);
  for (const candle of warm) byTime.set(candle.openTime, candle);
  return [...byTime.values()].sort((a, b) => a.openTime - b.openTime);
}

export interface CandleHistory {
  candles: StoredCandle[];
  /** 'unavailable': part of the request lay before the warm tier and the cold tier could not be read. */
  coldTier: 'unavailable' | null;
}

/**
 * The warm part completed from the cold tier where the request reaches before it. A cold tier that cannot be read
 * costs the older part only: the warm candles are answered, marked so a chart knows the series has a hole there.
 */
export async function withColdPart(
  cold: ColdCandleReader | null,
  request: CandleHistoryRequest,
  warm: WarmPart,
  onColdFailure: (error: unknown) => void,
): Promise<CandleHistory> {
  const span = cold === null ? null : coldSpanOf(request, warm);
  if (cold === null || span === null) return { candles: warm.candles, coldTier: null };
  try {
    const older = await readColdSpan(cold, request, span);
    return { candles: pageOf(request, mergeWarmOverCold(older, warm.candles)), coldTier: null };
  } catch (error) {
    onColdFailure(error);
    return { candles: warm.candles, coldTier: 'unavailable' };
  }
}

/** The page the request asked for from the merged series: the oldest `limit` when paging, else the newest. */
export function pageOf(request: CandleHistoryRequest, merged: readonly StoredCandle[]): StoredCandle[] {
  return request.fromMs === undefined ? merged.slice(-request.limit) : merged.slice(0, request.limit);
}

/** A cold-tier candle as the warm tier's rows are shaped. */
function storedCandle(candle: Candle): StoredCandle {
  return {
    openTime: candle.time,
    open: candle.open,
    high: candle.high,
    low: candle.low,
    close: candle.close,
    volume: candle.volume,
  };
}
