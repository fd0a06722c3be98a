/**
 * A stretch of one market the agent trains or is validated on: decisions on candles [start, end − 1), each filled
 * and marked on the candle after it, so candle end − 1 is the last one read.
 */
import type { MarketWindow } from './trading-environment.ts';

export interface MarketRange {
  market: MarketWindow;
  start: number;
  end: number;
}

/** Decisions a range holds (each needs the candle after it). */
export function decisionCount(range: MarketRange): number {
  return Math.max(0, range.end - range.start - 1);
}

/** Candle length of the market: the smallest step between consecutive candles (gaps only make steps longer). */
export function candleMsOf(market: MarketWindow): number {
  let smallest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < market.time.length; i++) {
    smallest = Math.min(smallest, (market.time[i] as number) - (market.time[i - 1] as number));
  }
  return Number.isFinite(smallest) && smallest > 0 ? smallest : 3_600_000;
}
