/**
 * The contract every streaming indicator keeps, whatever its `update(...)` takes: constant work and no
 * allocation per candle, NaN during warm-up, and two numbers that say when its output can be trusted.
 */
export interface StreamingIndicator {
  /**
   * TA-Lib's lookback: the index of the first non-NaN output, i.e. how many NaN outputs come first.
   */
  readonly lookback: number;
  /**
   * Candles after which the output no longer depends (beyond 1e-9 relative to the input's scale) on how
   * much older history was seen: feeding the indicator from any later starting candle gives the same
   * output from `warmup` candles after that start on. Equals `lookback` for windowed indicators; larger
   * for recursive ones (EMA, Wilder smoothing), see seed-decay.ts (ratios of them, RSI and ADX, converge only
   * while the market moves); Infinity for cumulative ones (OBV).
   */
  readonly warmup: number;
  /** The current main output; NaN during warm-up. */
  readonly value: number;
  /** Forgets every candle seen, as if newly constructed. */
  reset(): void;
}
