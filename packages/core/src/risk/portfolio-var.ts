/**
 * One-day Value at Risk of a long portfolio, historical and parametric, at 95% and 99%, in quote units (a
 * positive loss).
 *
 * Scenarios: the window's per-candle returns r_i,k (ReturnHistory) applied to today's exposures v_i (position
 * values plus pending buys): P&L_k = Σ_i v_i · r_i,k.
 * - Historical: the loss exceeded in 5% (1%) of scenarios: −(the ⌊α·(n−1)⌋-th smallest P&L), as the backtest's
 *   var95 metric, found by quickselect (metrics.ts kthSmallest): O(n), not a sort.
 * - Parametric (variance–covariance, zero mean): z_α · σ_P with σ_P² = vᵀΣv for Σ the window's sample covariance
 *   of returns, computed as the sample variance of the scenario P&L (the same number, O(n) instead of O(S²)).
 *   z95 = 1.6449, z99 = 2.3263. The zero mean ignores drift, which only errs on the safe side for a rising market.
 * - One day: per-candle VaR × √(candles per day) (the square-root-of-time rule: returns taken as independent
 *   across candles; 1h candles → × √24). Candles longer than a day scale down the same way.
 *
 * Incremental: the scenario P&L of a base exposure vector is cached (rebase: O(n × symbols held), once per candle
 * by the risk manager). A proposed buy of x in symbol s is prepared once — A_k = the P&L without it (O(n) per
 * symbol whose exposure moved since the base, usually none) and B_k = r_s,k — after which P&L_k(x) = A_k + x·B_k,
 * the parametric variance is the quadratic (c0 + 2x·c1 + x²·c2)/(n − 1) in closed form, and only the historical
 * quantile needs a pass and a quickselect per size tried. Nothing here allocates once the window is full.
 */
import { kthSmallest } from '../backtest/metrics.ts';
import type { ReturnHistory } from './return-history.ts';

export const Z_95 = 1.6448536269514722;
export const Z_99 = 2.3263478740408408;
const TAIL_95 = 0.05;
const TAIL_99 = 0.01;
const DAY_MS = 86_400_000;
/** Halvings of the historical search: the size found is within upTo / 2^20 of the largest passing one. */
const BISECTION_STEPS = 20;

/** Written by measure(): one-day VaR in quote units; NaN with fewer than 2 scenarios. */
export interface VarMeasure {
  samples: number;
  historical95: number;
  historical99: number;
  parametric95: number;
  parametric99: number;
}

export function emptyVarMeasure(): VarMeasure {
  return {
    samples: 0,
    historical95: Number.NaN,
    historical99: Number.NaN,
    parametric95: Number.NaN,
    parametric99: Number.NaN,
  };
}

export class PortfolioVar {
  readonly history: ReturnHistory;
  /** √(candles per day). */
  readonly horizonScale: number;
  private readonly basePnl: Float64Array;
  private readonly baseValues: Float64Array;
  private baseVersion = -1;
  /** The prepared proposal: P&L without the order (A), the order symbol's returns offset (B), centred sums. */
  private readonly without: Float64Array;
  private orderOffset = 0;
  private samples = 0;
  private c0 = 0;
  private c1 = 0;
  private c2 = 0;
  private readonly scenario: Float64Array;
  /** Scratch of largestHistoricalWithin: the scenarios that can reach the tail, and their P&L. */
  private readonly candidates: Int32Array;
  private readonly candidateValues: Float64Array;
  /** Views of scenario's first n and k95 entries, rebuilt only when n changes (warm-up). */
  private filled: Float64Array;
  private tail95: Float64Array;

  constructor(history: ReturnHistory, candleMs: number) {
    this.history = history;
    this.horizonScale = Math.sqrt(DAY_MS / candleMs);
    this.basePnl = new Float64Array(history.window);
    this.baseValues = new Float64Array(history.symbols);
    this.without = new Float64Array(history.window);
    this.scenario = new Float64Array(history.window);
    this.candidates = new Int32Array(history.window);
    this.candidateValues = new Float64Array(history.window);
    this.filled = this.scenario.subarray(0, 0);
    this.tail95 = this.filled;
  }

  /** Caches the scenario P&L of `values` (per-symbol exposure in quote). */
  rebase(values: ArrayLike<number>): void {
    const { window, count, returns, symbols } = this.history;
    const pnl = this.basePnl;
    pnl.fill(0);
    for (let i = 0; i < symbols; i++) {
      const value = values[i] as number;
      this.baseValues[i] = value;
      if (value === 0) continue;
      const offset = i * window;
      for (let k = 0; k < count; k++) pnl[k] = (pnl[k] as number) + value * (returns[offset + k] as number);
    }
    this.baseVersion = this.history.version;
  }

  /** Prepares the VaR of exposures `values` plus a buy in `symbol` (−1: none) of any size, for measureAt. */
  prepare(values: ArrayLike<number>, symbol: number): void {
    if (this.baseVersion !== this.history.version) this.rebase(values);
    const { window, count: n, returns, symbols } = this.history;
    const without = this.without;
    const basePnl = this.basePnl;
    for (let k = 0; k < n; k++) without[k] = basePnl[k] as number;
    for (let i = 0; i < symbols; i++) {
      const change = (values[i] as number) - (this.baseValues[i] as number);
      if (change === 0) continue;
      const offset = i * window;
      for (let k = 0; k < n; k++) without[k] = (without[k] as number) + change * (returns[offset + k] as number);
    }
    this.samples = n;
    this.orderOffset = symbol < 0 ? -1 : symbol * window;
    const offset = this.orderOffset;
    let sumA = 0;
    let sumB = 0;
    for (let k = 0; k < n; k++) {
      sumA += without[k] as number;
      if (offset >= 0) sumB += returns[offset + k] as number;
    }
    const meanA = sumA / n;
    const meanB = sumB / n;
    let c0 = 0;
    let c1 = 0;
    let c2 = 0;
    for (let k = 0; k < n; k++) {
      const a = (without[k] as number) - meanA;
      const b = offset >= 0 ? (returns[offset + k] as number) - meanB : 0;
      c0 += a * a;
      c1 += a * b;
      c2 += b * b;
    }
    this.c0 = c0;
    this.c1 = c1;
    this.c2 = c2;
    if (this.filled.length !== n) {
      this.filled = this.scenario.subarray(0, n);
      this.tail95 = this.scenario.subarray(0, Math.floor(TAIL_95 * (n - 1)));
    }
  }

  /** VaR with `extraQuote` bought in the prepared symbol, into `out`. */
  measureAt(extraQuote: number, out: VarMeasure): VarMeasure {
    const n = this.samples;
    out.samples = n;
    if (n < 2) {
      out.historical95 = out.historical99 = out.parametric95 = out.parametric99 = Number.NaN;
      return out;
    }
    const sigma = Math.sqrt(this.varianceSumAt(extraQuote) / (n - 1)) * this.horizonScale;
    out.parametric95 = Z_95 * sigma;
    out.parametric99 = Z_99 * sigma;
    const scenario = this.scenario;
    const without = this.without;
    const returns = this.history.returns;
    const offset = this.orderOffset;
    if (offset < 0 || extraQuote === 0) for (let k = 0; k < n; k++) scenario[k] = without[k] as number;
    else {
      for (let k = 0; k < n; k++) scenario[k] = (without[k] as number) + extraQuote * (returns[offset + k] as number);
    }
    const k95 = Math.floor(TAIL_95 * (n - 1));
    const k99 = Math.floor(TAIL_99 * (n - 1));
    const quantile95 = kthSmallest(this.filled, k95);
    // Quickselect leaves every entry below k95 at most the 95% quantile: the 99% one is among them.
    const quantile99 = k99 < k95 ? kthSmallest(this.tail95, k99) : quantile95;
    out.historical95 = Math.max(0, -quantile95) * this.horizonScale;
    out.historical99 = Math.max(0, -quantile99) * this.horizonScale;
    return out;
  }

  /** prepare + measureAt. */
  measure(values: ArrayLike<number>, extraSymbol: number, extraQuote: number, out: VarMeasure): VarMeasure {
    this.prepare(values, extraSymbol);
    return this.measureAt(extraQuote, out);
  }

  /**
   * The largest buy in [0, upTo] of the prepared symbol whose parametric one-day VaR stays within both caps
   * (quote), from the quadratic; Infinity when the caps cannot bind. Assumes a buy of 0 is within them.
   */
  largestParametricWithin(upTo: number, cap95Quote: number, cap99Quote: number): number {
    const scale = this.horizonScale;
    const capSigma = Math.min(cap95Quote / (Z_95 * scale), cap99Quote / (Z_99 * scale));
    const limit = (this.samples - 1) * capSigma * capSigma;
    const { c0, c1, c2 } = this;
    let root: number;
    if (c2 > 0) root = (-c1 + Math.sqrt(Math.max(0, c1 * c1 - c2 * (c0 - limit)))) / c2;
    else root = c1 > 0 ? (limit - c0) / (2 * c1) : Number.POSITIVE_INFINITY;
    return Math.max(0, Math.min(upTo, root));
  }

  /**
   * The largest buy in [0, upTo] of the prepared symbol whose historical one-day VaR stays within both caps,
   * by bisection (BISECTION_STEPS halvings; always a size verified to pass), assuming a buy of 0 passes.
   * Each P&L_k(x) = A_k + x·B_k is a line, so on [0, upTo] it stays under max(P&L_k(0), P&L_k(upTo)), and the
   * 95% quantile stays under T, the ⌊α·(n−1)⌋-th smallest of those maxima; a scenario whose line stays above T
   * can never be in the tail. The bisection works on the other scenarios only (a few times the tail's size).
   */
  largestHistoricalWithin(upTo: number, cap95Quote: number, cap99Quote: number): number {
    const n = this.samples;
    const without = this.without;
    const returns = this.history.returns;
    const offset = this.orderOffset;
    if (offset < 0) return upTo;
    const scenario = this.scenario;
    for (let k = 0; k < n; k++) {
      const a = without[k] as number;
      scenario[k] = Math.max(a, a + upTo * (returns[offset + k] as number));
    }
    const k95 = Math.floor(TAIL_95 * (n - 1));
    const k99 = Math.floor(TAIL_99 * (n - 1));
    const ceiling = kthSmallest(this.filled, k95);
    const candidates = this.candidates;
    let m = 0;
    for (let k = 0; k < n; k++) {
      const a = without[k] as number;
      if (Math.min(a, a + upTo * (returns[offset + k] as number)) <= ceiling) candidates[m++] = k;
    }
    const values = this.candidateValues.subarray(0, m);
    const tail = this.candidateValues.subarray(0, k95);
    const loss95 = cap95Quote / this.horizonScale;
    const loss99 = cap99Quote / this.horizonScale;
    let passing = 0;
    let failing = upTo;
    for (let step = 0; step < BISECTION_STEPS; step++) {
      const x = (passing + failing) / 2;
      for (let c = 0; c < m; c++) {
        const k = candidates[c] as number;
        values[c] = (without[k] as number) + x * (returns[offset + k] as number);
      }
      const quantile95 = kthSmallest(values, k95);
      const quantile99 = k99 < k95 ? kthSmallest(tail, k99) : quantile95;
      if (-quantile95 <= loss95 && -quantile99 <= loss99) passing = x;
      else failing = x;
    }
    return passing;
  }

  private varianceSumAt(x: number): number {
    return Math.max(0, this.c0 + 2 * x * this.c1 + x * x * this.c2);
  }
}
