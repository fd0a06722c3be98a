/**
 * Rolling correlation matrix of returns across `symbols` series over the last `window` time steps.
 *
 * Definition: Pearson's r_ij = Σ(a_i − ā_i)(a_j − ā_j) / √(Σ(a_i − ā_i)² · Σ(a_j − ā_j)²) over the window;
 * NaN while the window is not full and for a pair whose series is constant over the window (zero variance).
 *
 * Each step takes one return per symbol. Means and co-moments M_ij = Σ(a_i − ā_i)(a_j − ā_j) are kept with
 * Welford's update while the window fills, then with its sliding form when the new vector x replaces the
 * oldest y: m' = m + (x − y)/n and M'_ij = M_ij + (x_i − m_i)(x_j − m'_j) − (y_i − m_i)(y_j − m'_j), which
 * avoids the cancellation of raw sums of products. O(S²) per step, independent of history; no allocation.
 * A symbol whose return has not changed over the whole window (a halted or thin market printing 0 returns)
 * is detected exactly and its mean and co-moments reset to their exact values (its own return and 0), so no
 * rounding residue passes for variance. Returns must be finite (pass 0 for a symbol without a candle at that step): one NaN would poison the sums.
 * Lookback = warmup = window − 1 (every entry is a function of the window alone, up to rounding).
 */
import { checkPeriod, IndicatorOptionsError } from './indicator-options-error.ts';

export interface RollingCorrelationOptions {
  /** Number of series (symbols). */
  symbols: number;
  /** Time steps in the window (≥ 2); default 30. */
  window?: number;
}

export class RollingCorrelation {
  readonly symbols: number;
  readonly window: number;
  readonly lookback: number;
  readonly warmup: number;
  /** symbols × symbols correlations, row-major (entry i·symbols + j); NaN during warm-up. Updated in place. */
  readonly matrix: Float64Array;

  /** The window's return vectors, a ring of `window` rows of `symbols` entries. */
  private readonly history: Float64Array;
  private readonly means: Float64Array;
  private readonly previousMeans: Float64Array;
  /** Co-moments M_ij, row-major; only j ≥ i is maintained. */
  private readonly coMoments: Float64Array;
  /** Per symbol, the step at which its return last differed from the step before. */
  private readonly lastChangeSteps: Float64Array;
  private row = 0;
  private count = 0;
  private step = 0;

  constructor(options: RollingCorrelationOptions) {
    this.symbols = checkPeriod('RollingCorrelation', 'symbols', options.symbols, 1);
    this.window = checkPeriod('RollingCorrelation', 'window', options.window ?? 30, 2);
    const cells = this.symbols * this.symbols;
    this.matrix = new Float64Array(cells).fill(Number.NaN);
    this.history = new Float64Array(this.window * this.symbols);
    this.means = new Float64Array(this.symbols);
    this.previousMeans = new Float64Array(this.symbols);
    this.coMoments = new Float64Array(cells);
    this.lastChangeSteps = new Float64Array(this.symbols);
    this.lookback = this.window - 1;
    this.warmup = this.lookback;
  }

  /** Adds one return per symbol (index = symbol) for the next time step; returns `matrix`. */
  update(returns: ArrayLike<number>): Float64Array {
    this.add(returns);
    if (this.count === this.window) this.fillMatrix();
    return this.matrix;
  }

  /**
   * Adds one return per symbol like `update` but leaves `matrix` as it was: for a caller that reads only a few
   * pairs through `correlation`, which spares it the S² square roots and divisions of the whole matrix.
   */
  add(returns: ArrayLike<number>): void {
    const symbols = this.symbols;
    if (returns.length !== symbols) {
      throw new IndicatorOptionsError(`RollingCorrelation: expected ${symbols} returns, got ${returns.length}`);
    }
    const means = this.means;
    const previousMeans = this.previousMeans;
    const coMoments = this.coMoments;
    const history = this.history;
    const offset = this.row * symbols;
    const replacing = this.count === this.window;
    // A loop, not previousMeans.set(means): a builtin call costs more than copying a few entries.
    for (let i = 0; i < symbols; i++) previousMeans[i] = means[i] as number;
    if (replacing) {
      for (let i = 0; i < symbols; i++) {
        means[i] = (means[i] as number) + ((returns[i] as number) - (history[offset + i] as number)) / this.window;
      }
    } else {
      const count = ++this.count;
      for (let i = 0; i < symbols; i++) {
        means[i] = (means[i] as number) + ((returns[i] as number) - (means[i] as number)) / count;
      }
    }
    for (let i = 0; i < symbols; i++) {
      const added = (returns[i] as number) - (previousMeans[i] as number);
      const removed = replacing ? (history[offset + i] as number) - (previousMeans[i] as number) : 0;
      for (let j = i; j < symbols; j++) {
        const at = i * symbols + j;
        let change = added * ((returns[j] as number) - (means[j] as number));
        if (replacing) change -= removed * ((history[offset + j] as number) - (means[j] as number));
        coMoments[at] = (coMoments[at] as number) + change;
      }
    }
    const previousOffset = (this.row === 0 ? this.window - 1 : this.row - 1) * symbols;
    const step = this.step++;
    for (let i = 0; i < symbols; i++) {
      const value = returns[i] as number;
      if (step === 0 || value !== history[previousOffset + i]) this.lastChangeSteps[i] = step;
      else if (step - (this.lastChangeSteps[i] as number) >= this.window - 1) this.settleConstant(i, value);
    }
    for (let i = 0; i < symbols; i++) history[offset + i] = returns[i] as number;
    this.row = this.row + 1 === this.window ? 0 : this.row + 1;
  }

  /**
   * Correlation of symbols i and j in the current window (NaN during warm-up or for a constant series), from
   * the co-moments: current after `add` as after `update`, and equal to the `matrix` entry `update` fills.
   */
  correlation(i: number, j: number): number {
    if (this.count !== this.window) return Number.NaN;
    return i <= j ? this.pairCorrelation(i, j) : this.pairCorrelation(j, i);
  }

  reset(): void {
    this.matrix.fill(Number.NaN);
    this.history.fill(0);
    this.means.fill(0);
    this.coMoments.fill(0);
    this.lastChangeSteps.fill(0);
    this.row = 0;
    this.count = 0;
    this.step = 0;
  }

  /** Symbol i returned `value` at every step of the window: its exact mean is `value`, its co-moments 0. */
  private settleConstant(i: number, value: number): void {
    const symbols = this.symbols;
    this.means[i] = value;
    for (let j = 0; j < symbols; j++) {
      this.coMoments[i < j ? i * symbols + j : j * symbols + i] = 0;
    }
  }

  private fillMatrix(): void {
    const symbols = this.symbols;
    const matrix = this.matrix;
    for (let i = 0; i < symbols; i++) {
      for (let j = i; j < symbols; j++) {
        const correlation = this.pairCorrelation(i, j);
        matrix[i * symbols + j] = correlation;
        matrix[j * symbols + i] = correlation;
      }
    }
  }

  /** Pearson's r of symbols i ≤ j from the co-moments of the full window. */
  private pairCorrelation(i: number, j: number): number {
    const symbols = this.symbols;
    const coMoments = this.coMoments;
    const varianceI = coMoments[i * symbols + i] as number;
    const varianceJ = coMoments[j * symbols + j] as number;
    const denominator = Math.sqrt(varianceI * varianceJ);
    // A constant series has no defined correlation; rounding can leave a tiny or negative co-moment.
    return varianceI > 0 && varianceJ > 0 && denominator > 0
      ? clampCorrelation((coMoments[i * symbols + j] as number) / denominator)
      : Number.NaN;
  }
}

/** Rounding can push |r| a hair past 1. */
function clampCorrelation(r: number): number {
  return Math.min(1, Math.max(-1, r));
}
