import type { CandleSeries } from '../market/types.ts';

/**
 * Turns each new candle of each symbol into that symbol's normalised feature vector. Implementations keep
 * streaming state per symbol and write into one reused Float32Array per symbol (no allocation per candle).
 * They must be fed every candle of a symbol in order.
 */
export interface FeatureSource {
  readonly names: readonly string[];
  update(symbolIndex: number, series: CandleSeries, index: number): Float32Array;
}
