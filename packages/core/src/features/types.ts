import type { CandleSeries } from '../market/types.ts';

/**
 * Turns each new candle of each symbol into that symbol's normalised feature vector. Implementations keep
 * streaming state per symbol and write into one reused Float32Array per symbol (no allocation per candle).
 * They must be fed every candle of a symbol in order.
 */
export interface FeatureSource {
  readonly names: readonly string[];
  update(symbolIndex: number, series: CandleSeries, index: number): Float32Array;
  /**
   * Optional: `seriesList` (one per symbolIndex) is stored history, every candle final, and each will be fed in
   * order; a source may then compute ahead of `update`, as long as every vector stays what it would have been.
   */
  replayHistory?(seriesList: readonly CandleSeries[]): void;
}
