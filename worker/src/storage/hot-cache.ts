/**
 * The hot tier: each market's latest candles (the last 24 h of them, by candle time) and latest feature vector,
 * for dashboards and for bots (re)starting without a history read. Implementations, proven alike by one contract
 * suite (worker/test/market-data/hot-cache.contract.ts): in-process-hot-cache.ts (embedded mode) and
 * redis-hot-cache.ts (REDIS_URL). A cache never fails its caller: an unreachable Redis loses cache writes (counted),
 * never a candle for trading.
 */
import type { Candle } from '@keel/core/market/types.ts';

export const HOT_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * One market's feature vector at a candle close, by name. NaN marks a masked feature (its source was absent or
 * stale), exactly as the FeatureEngine's `*_available` columns do: a consumer reads the flag, not a stale number.
 */
export interface MarketFeatures {
  timeMs: number;
  values: Record<string, number>;
}

export interface HotCache {
  /** Adds (or replaces, same open time) a closed candle and forgets the market's candles older than 24 h before it. */
  pushCandle(symbol: string, timeframe: string, candle: Candle): Promise<void>;
  /** The newest `count` candles within the window, oldest first. */
  latestCandles(symbol: string, timeframe: string, count: number): Promise<Candle[]>;
  putFeatures(symbol: string, timeframe: string, features: MarketFeatures): Promise<void>;
  latestFeatures(symbol: string, timeframe: string): Promise<MarketFeatures | null>;
  /** The retention job's pass: drops what is older than the window (by candle time) or idle for 24 h. */
  trim(nowMs: number): Promise<void>;
  close(): Promise<void>;
}

export function marketKey(symbol: string, timeframe: string): string {
  return `${symbol}@${timeframe}`;
}

/** JSON has no NaN: masked features travel as null and come back as NaN. */
export function featuresToJson(features: MarketFeatures): string {
  return JSON.stringify(features, (_key, value) => (typeof value === 'number' && Number.isNaN(value) ? null : value));
}

export function featuresFromJson(text: string): MarketFeatures {
  const parsed = JSON.parse(text) as { timeMs: number; values: Record<string, number | null> };
  const values: Record<string, number> = {};
  for (const [name, value] of Object.entries(parsed.values)) values[name] = value ?? Number.NaN;
  return { timeMs: parsed.timeMs, values };
}
