/**
 * Shadow portfolios: per agent per symbol, the position the agent would hold had every one of its votes been
 * followed, and the rolling Sharpe ratio of that position's per-candle returns — how well the agent has been doing
 * lately, which the meta-agent weighs. Cheap on purpose: an exposure (fraction of equity) instead of a ledger.
 *
 * Per candle, for each (agent, symbol) slot: the candle's return is exposure_before × the price return, minus
 * feeRate × |exposure change| when the agent's vote changes the exposure (a buy sets it to the vote's target, a sell
 * lowers it to the target, a hold keeps it). The returns go into a ring of the last `windowCandles`; their sum and
 * sum of squares are updated in O(1) per candle and recomputed exactly from the ring each time it wraps, so
 * rounding never accumulates. All state lives in typed arrays: nothing is allocated per candle.
 */
import type { Action } from '../strategy/types.ts';

export interface ShadowPortfolioOptions {
  /** Per-candle returns in the rolling window; default 168 (a week of hourly candles). */
  windowCandles?: number;
  /** Returns needed before the Sharpe ratio is reported (0 until then); default 24. */
  minCandles?: number;
  /** Fee per unit of exposure traded, as a fraction; default 0.001 (Binance's taker fee). */
  feeRate?: number;
}

export const SHADOW_PORTFOLIO_DEFAULTS: Required<ShadowPortfolioOptions> = {
  windowCandles: 168,
  minCandles: 24,
  feeRate: 0.001,
};

/** Below this variance of per-candle returns the window is flat (a shadow that never traded): Sharpe 0. */
const FLAT_VARIANCE = 1e-18;

export class ShadowPortfolios {
  readonly options: Readonly<Required<ShadowPortfolioOptions>>;
  private readonly symbolCount: number;
  private readonly exposure: Float64Array;
  private readonly returns: Float64Array;
  private readonly sums: Float64Array;
  private readonly sumSquares: Float64Array;
  private readonly counts: Int32Array;
  private readonly cursors: Int32Array;

  constructor(agentCount: number, symbolCount: number, options: ShadowPortfolioOptions = {}) {
    const resolved = { ...SHADOW_PORTFOLIO_DEFAULTS, ...options };
    if (!(Number.isInteger(resolved.windowCandles) && resolved.windowCandles >= 2)) {
      throw new RangeError(`shadow portfolio windowCandles must be a whole number ≥ 2; got ${resolved.windowCandles}`);
    }
    if (!(resolved.feeRate >= 0 && resolved.feeRate < 1)) {
      throw new RangeError(`shadow portfolio feeRate must be in [0, 1); got ${resolved.feeRate}`);
    }
    this.options = resolved;
    this.symbolCount = symbolCount;
    const slots = agentCount * symbolCount;
    this.exposure = new Float64Array(slots);
    this.returns = new Float64Array(slots * resolved.windowCandles);
    this.sums = new Float64Array(slots);
    this.sumSquares = new Float64Array(slots);
    this.counts = new Int32Array(slots);
    this.cursors = new Int32Array(slots);
  }

  /**
   * One closed candle for the agent's shadow of the symbol: `priceReturn` is close_t / close_t−1 − 1 (0 on the
   * first candle), earned by the exposure held through the candle; then the agent's vote on that close is followed.
   */
  update(agentIndex: number, symbolIndex: number, priceReturn: number, action: Action, targetExposure: number): void {
    const slot = agentIndex * this.symbolCount + symbolIndex;
    const before = this.exposure[slot] as number;
    let after = before;
    if (action === 'buy' && targetExposure > before) after = Math.min(1, targetExposure);
    else if (action === 'sell' && targetExposure < before) after = Math.max(0, targetExposure);
    this.exposure[slot] = after;
    const candleReturn = before * priceReturn - this.options.feeRate * Math.abs(after - before);
    this.record(slot, Number.isNaN(candleReturn) ? 0 : candleReturn);
  }

  /** Exposure (fraction of equity) the agent's shadow holds in the symbol. */
  exposureOf(agentIndex: number, symbolIndex: number): number {
    return this.exposure[agentIndex * this.symbolCount + symbolIndex] as number;
  }

  /** Annualised Sharpe: mean / σ of the window's per-candle returns × √candlesPerYear; 0 before minCandles. */
  sharpe(agentIndex: number, symbolIndex: number, candlesPerYear: number): number {
    const slot = agentIndex * this.symbolCount + symbolIndex;
    const count = this.counts[slot] as number;
    if (count < this.options.minCandles) return 0;
    const mean = (this.sums[slot] as number) / count;
    const variance = (this.sumSquares[slot] as number) / count - mean * mean;
    if (!(variance > FLAT_VARIANCE)) return 0;
    return (mean / Math.sqrt(variance)) * Math.sqrt(candlesPerYear);
  }

  private record(slot: number, candleReturn: number): void {
    const window = this.options.windowCandles;
    const cursor = this.cursors[slot] as number;
    const at = slot * window + cursor;
    const count = this.counts[slot] as number;
    if (count === window) {
      const leaving = this.returns[at] as number;
      this.sums[slot] = (this.sums[slot] as number) - leaving;
      this.sumSquares[slot] = (this.sumSquares[slot] as number) - leaving * leaving;
    } else this.counts[slot] = count + 1;
    this.returns[at] = candleReturn;
    this.sums[slot] = (this.sums[slot] as number) + candleReturn;
    this.sumSquares[slot] = (this.sumSquares[slot] as number) + candleReturn * candleReturn;
    const next = cursor + 1;
    if (next === window) {
      this.cursors[slot] = 0;
      this.recomputeSums(slot);
    } else this.cursors[slot] = next;
  }

  /** Exact sums from the ring, once per wrap: O(window) every window candles, O(1) amortised. */
  private recomputeSums(slot: number): void {
    const window = this.options.windowCandles;
    let sum = 0;
    let sumSquares = 0;
    for (let i = slot * window, end = i + window; i < end; i++) {
      const value = this.returns[i] as number;
      sum += value;
      sumSquares += value * value;
    }
    this.sums[slot] = sum;
    this.sumSquares[slot] = sumSquares;
  }
}
