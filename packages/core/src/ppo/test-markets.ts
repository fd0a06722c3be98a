/**
 * Small markets for the PPO tests: a price path as a MarketWindow with zero features (the tests that need real
 * features use the shared data through training-data.ts).
 */
import { FEATURE_NAMES } from '../features/feature-names.ts';
import type { MarketRange } from './market-range.ts';
import type { MarketWindow } from './trading-environment.ts';

const HOUR_MS = 3_600_000;

/** Candle i opens at the previous close and closes at closes[i]; features all 0 unless `feature` fills them. */
export function marketFromCloses(
  closes: readonly number[],
  feature: (candle: number, column: number) => number = () => 0,
): MarketWindow {
  const width = FEATURE_NAMES.length;
  const features = new Float32Array(closes.length * width);
  for (let i = 0; i < closes.length; i++) for (let k = 0; k < width; k++) features[i * width + k] = feature(i, k);
  return {
    symbol: 'TEST-USDT',
    time: Float64Array.from(closes, (_, i) => i * HOUR_MS),
    open: Float64Array.from(closes, (close, i) => (i === 0 ? close : (closes[i - 1] as number))),
    close: Float64Array.from(closes),
    features,
    width,
  };
}

export function wholeRange(market: MarketWindow): MarketRange {
  return { market, start: 0, end: market.time.length };
}
