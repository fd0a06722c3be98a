/**
 * How long an agent holds: until its symbol's feature vectors are past the feature engine's warm-up, when every
 * feature is defined and independent of how much history came before (features/README.md, Warm-up). Before that
 * some columns are 0 and others already move, and a policy over them would trade on half a picture.
 */
import { FeatureEngine } from '../features/feature-engine.ts';

/** The default feature engine's warm-up in candles (649: the ADX's). */
export const FEATURE_WARMUP_CANDLES = new FeatureEngine({ symbols: ['warm-up'] }).warmupCandles;

/** Counts each symbol's candles and says when the symbol is past `warmupCandles`. */
export class WarmupGate {
  private readonly candlesSeen: Int32Array;
  private readonly warmupCandles: number;

  constructor(symbolCount: number, warmupCandles: number) {
    this.candlesSeen = new Int32Array(symbolCount);
    this.warmupCandles = warmupCandles;
  }

  /** Counts one more candle of the symbol; true once more than `warmupCandles` have been seen. */
  passCandle(symbolIndex: number): boolean {
    const seen = this.candlesSeen[symbolIndex] as number;
    if (seen > this.warmupCandles) return true;
    this.candlesSeen[symbolIndex] = seen + 1;
    return seen + 1 > this.warmupCandles;
  }
}
