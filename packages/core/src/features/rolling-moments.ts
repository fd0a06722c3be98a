/**
 * Mean and population standard deviation of the last `window` values, and the z-score of a value against
 * them, in O(1) per value without allocation.
 *
 * Welford's update while the window fills, then its sliding form when x replaces the oldest y:
 * m' = m + (x − y)/n and M2' = M2 + (x − y)(x − m' + y − m), which avoids the cancellation of raw sums of
 * squares (log volumes near 10 have a variance near 1). Its rounding error is relative to the largest M2 the
 * window recently had, so mean and M2 are recomputed exactly from the window (two passes) each time the ring
 * wraps (amortised O(1), so nothing builds up over a long run), and also at once when M2 falls below
 * RECOMPUTE_BELOW_PEAK of its peak since the last recompute (a spike leaving a quiet window), where that error
 * would no longer be small against M2. Either way the result depends on the window alone to within ≈1e-11
 * relative, not on how much came before.
 */

/**
 * A spread at or below this fraction of |mean| is rounding noise on a constant window, not a spread:
 * a constant window's M2 is ≈ n·(2⁻⁵²·|mean|)², far below it.
 */
const RELATIVE_SPREAD_FLOOR = 1e-9;

/**
 * Share of its recent peak below which M2 is recomputed: the sliding update's error, a few 2⁻⁵² of the peak,
 * then stays under ≈1e-11 of M2.
 */
const RECOMPUTE_BELOW_PEAK = 1e-4;

export class RollingMoments {
  readonly window: number;
  /** Mean of the values seen, at most `window` of them; NaN before the first. */
  mean = Number.NaN;
  private sumOfSquaredDeviations = 0;
  /** The largest sumOfSquaredDeviations since the last exact recompute. */
  private peakSumOfSquaredDeviations = 0;
  private count = 0;
  private slot = 0;
  private readonly values: Float64Array;

  constructor(window: number) {
    this.window = window;
    this.values = new Float64Array(window);
  }

  /** True once `window` values are in, i.e. the statistics cover a full window. */
  get full(): boolean {
    return this.count === this.window;
  }

  /** Population standard deviation of the window; NaN until it is full. */
  get standardDeviation(): number {
    if (this.count !== this.window) return Number.NaN;
    const squared = this.sumOfSquaredDeviations;
    return squared > 0 ? Math.sqrt(squared / this.window) : 0;
  }

  update(value: number): void {
    const window = this.window;
    const slot = this.slot;
    const leaving = this.values[slot] as number;
    this.values[slot] = value;
    this.slot = slot + 1 === window ? 0 : slot + 1;
    // The filling window takes a separate, cold path, which keeps this one small enough for callers to inline.
    if (this.count < window) {
      this.fill(value);
      return;
    }
    const previousMean = this.mean;
    const mean = previousMean + (value - leaving) / window;
    const squared = this.sumOfSquaredDeviations + (value - leaving) * (value - mean + leaving - previousMean);
    this.mean = mean;
    this.sumOfSquaredDeviations = squared;
    if (this.slot === 0 || squared < RECOMPUTE_BELOW_PEAK * this.peakSumOfSquaredDeviations) this.recompute();
    else if (squared > this.peakSumOfSquaredDeviations) this.peakSumOfSquaredDeviations = squared;
  }

  /**
   * (value − mean) / standard deviation over the full window; NaN until it is full, 0 when the window has no
   * spread (a constant series: every value is its mean).
   */
  zScore(value: number): number {
    const deviation = this.standardDeviation;
    if (!(deviation > RELATIVE_SPREAD_FLOOR * Math.abs(this.mean))) {
      return this.count === this.window ? 0 : Number.NaN;
    }
    return (value - this.mean) / deviation;
  }

  reset(): void {
    this.mean = Number.NaN;
    this.sumOfSquaredDeviations = 0;
    this.peakSumOfSquaredDeviations = 0;
    this.count = 0;
    this.slot = 0;
  }

  /** Welford's update while the window fills; the full window is then recomputed exactly. */
  private fill(value: number): void {
    const count = ++this.count;
    const previousMean = count === 1 ? 0 : this.mean;
    const mean = previousMean + (value - previousMean) / count;
    this.sumOfSquaredDeviations += (value - previousMean) * (value - mean);
    this.mean = mean;
    if (count === this.window) this.recompute();
  }

  private recompute(): void {
    const values = this.values;
    const window = this.window;
    let sum = 0;
    for (let i = 0; i < window; i++) sum += values[i] as number;
    const mean = sum / window;
    let squared = 0;
    for (let i = 0; i < window; i++) {
      const deviation = (values[i] as number) - mean;
      squared += deviation * deviation;
    }
    this.mean = mean;
    this.sumOfSquaredDeviations = squared;
    this.peakSumOfSquaredDeviations = squared;
  }
}
