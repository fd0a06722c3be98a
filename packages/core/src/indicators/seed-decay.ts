/**
 * How long a recursive smoother remembers its seed. An exponential smoother keeps `retention` of its
 * previous value each update (EMA: 1 − 2/(n+1); Wilder: 1 − 1/n), so after m updates the seed's weight is
 * retention^m. We call the seed forgotten once that weight is below SEED_WEIGHT_FORGOTTEN, i.e. after
 * m = ceil(ln(SEED_WEIGHT_FORGOTTEN) / ln(retention)) updates; an indicator's `warmup` is its lookback
 * plus that m for each smoothing stage chained in it (a conservative bound for chained stages).
 *
 * The bound holds for the smoothed values themselves. A ratio of two of them (RSI's gain share, ADX's
 * directional indicators) also needs the market to keep moving: through a flat stretch of k candles both
 * terms decay while the seed's imprint on the ratio does not, which delays convergence by about k candles.
 */

/** Seed weight below which the seed no longer matters at the 1e-9 relative tolerance we promise. */
export const SEED_WEIGHT_FORGOTTEN = 1e-10;

export function updatesToForgetSeed(retention: number): number {
  return Math.ceil(Math.log(SEED_WEIGHT_FORGOTTEN) / Math.log(retention));
}

/** Retention of an EMA of `period` with TA-Lib's k = 2 / (period + 1) (PER_TO_K in ta_utility.h). */
export function emaRetention(period: number): number {
  return 1 - 2 / (period + 1);
}

/** Retention of Wilder's smoothing over `period`: new = (old · (period − 1) + x) / period. */
export function wilderRetention(period: number): number {
  return (period - 1) / period;
}
