/**
 * The contract every streaming indicator keeps, whatever its `update(...)` takes: constant work and no
 * allocation per candle, NaN during warm-up, and two numbers that say when its output can be trusted.
 *
 * "No allocation" depends on how V8 compiles the caller: a call it does not inline boxes every number argument
 * and the number result (a heap allocation each), and it inlines only up to a budget of bytecode per compiled
 * function. So hot updates stay small: warm-up and seeding branches are separate methods (ATR, RollingMoments),
 * and an indicator with a large update (VolumeProfile, SupportResistance) keeps `update` a thin entry that stores
 * its numbers in fields and calls a body taking none.
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
