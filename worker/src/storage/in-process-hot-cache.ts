/** The hot tier in process (embedded mode, and the Redis cache's fallback copy): the same 24 h window, in memory. */
import type { Candle } from '@keel/core/market/types.ts';
import { HOT_WINDOW_MS, type HotCache, type MarketFeatures, marketKey } from './hot-cache.ts';

interface MarketEntry {
  /** Oldest first, unique open times. */
  candles: Candle[];
  features: MarketFeatures | null;
  touchedAtMs: number;
}

export class InProcessHotCache implements HotCache {
  private readonly markets = new Map<string, MarketEntry>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  async pushCandle(symbol: string, timeframe: string, candle: Candle): Promise<void> {
    const entry = this.entry(symbol, timeframe);
    const candles = entry.candles.filter(
      (kept) => kept.time !== candle.time && kept.time > candle.time - HOT_WINDOW_MS,
    );
    const at = candles.findIndex((kept) => kept.time > candle.time);
    candles.splice(at === -1 ? candles.length : at, 0, { ...candle });
    entry.candles = candles.filter((kept) => kept.time > (candles.at(-1) as Candle).time - HOT_WINDOW_MS);
  }

  async latestCandles(symbol: string, timeframe: string, count: number): Promise<Candle[]> {
    const candles = this.markets.get(marketKey(symbol, timeframe))?.candles ?? [];
    return candles.slice(Math.max(0, candles.length - count)).map((candle) => ({ ...candle }));
  }

  async putFeatures(symbol: string, timeframe: string, features: MarketFeatures): Promise<void> {
    this.entry(symbol, timeframe).features = { timeMs: features.timeMs, values: { ...features.values } };
  }

  async latestFeatures(symbol: string, timeframe: string): Promise<MarketFeatures | null> {
    const features = this.markets.get(marketKey(symbol, timeframe))?.features ?? null;
    return features === null ? null : { timeMs: features.timeMs, values: { ...features.values } };
  }

  async trim(nowMs: number): Promise<void> {
    for (const [key, entry] of this.markets) {
      if (entry.touchedAtMs <= nowMs - HOT_WINDOW_MS) this.markets.delete(key);
    }
  }

  /** Every market's contents (the Redis cache re-seeds a restarted Redis from them). */
  snapshot(): { symbol: string; timeframe: string; candles: Candle[]; features: MarketFeatures | null }[] {
    return [...this.markets].map(([key, entry]) => {
      const [symbol, timeframe] = key.split('@') as [string, string];
      return { symbol, timeframe, candles: entry.candles.map((c) => ({ ...c })), features: entry.features };
    });
  }

  async close(): Promise<void> {
    this.markets.clear();
  }

  private entry(symbol: string, timeframe: string): MarketEntry {
    const key = marketKey(symbol, timeframe);
    let entry = this.markets.get(key);
    if (entry === undefined) {
      entry = { candles: [], features: null, touchedAtMs: this.now() };
      this.markets.set(key, entry);
    }
    entry.touchedAtMs = this.now();
    return entry;
  }
}
