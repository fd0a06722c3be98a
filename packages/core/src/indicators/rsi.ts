/**
 * Relative Strength Index as TA-Lib's TA_RSI (ta_RSI.c), Wilder's original: average gain and average
 * loss of close-to-close changes, seeded with the plain means of the first `period` changes (so the first
 * output is at index `period`), then Wilder-smoothed: avg = (avg · (period − 1) + change) / period.
 * RSI = 100 · avgGain / (avgGain + avgLoss), and 0 when that sum is zero by TA-Lib's TA_IS_ZERO (|x| < 1e-14).
 * Lookback = period; warmup adds the updates for the seed's weight ((period − 1)/period)^m to fall below 1e-10
 * (in a moving market: a flat stretch pauses the convergence of the gain share, see seed-decay.ts).
 */
import { checkPeriod } from './indicator-options-error.ts';
import { updatesToForgetSeed, wilderRetention } from './seed-decay.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';
import { isTaLibZero } from './ta-lib-zero.ts';

export interface RelativeStrengthIndexOptions {
  /** Number of changes averaged (≥ 2); default 14, Wilder's. */
  period?: number;
}

const PERCENT = 100;

export class RelativeStrengthIndex implements StreamingIndicator {
  readonly period: number;
  readonly lookback: number;
  readonly warmup: number;
  value = Number.NaN;
  private averageGain = 0;
  private averageLoss = 0;
  private previousClose = Number.NaN;
  private seen = 0;

  constructor(options: RelativeStrengthIndexOptions = {}) {
    this.period = checkPeriod('RSI', 'period', options.period ?? 14, 2);
    this.lookback = this.period;
    this.warmup = this.lookback + updatesToForgetSeed(wilderRetention(this.period));
  }

  update(close: number): number {
    const period = this.period;
    const seen = this.seen;
    const change = close - this.previousClose;
    this.previousClose = close;
    if (seen === 0) {
      this.seen = 1;
      return this.value;
    }
    // Until `period` changes are seen the averages are plain sums; from then on Wilder-smoothed.
    if (seen > period) {
      this.averageLoss *= period - 1;
      this.averageGain *= period - 1;
    }
    if (change < 0) this.averageLoss -= change;
    else this.averageGain += change;
    if (seen <= period) {
      this.seen = seen + 1;
      if (seen < period) return this.value;
    }
    this.averageLoss /= period;
    this.averageGain /= period;
    const total = this.averageGain + this.averageLoss;
    this.value = isTaLibZero(total) ? 0 : PERCENT * (this.averageGain / total);
    return this.value;
  }

  reset(): void {
    this.averageGain = 0;
    this.averageLoss = 0;
    this.previousClose = Number.NaN;
    this.seen = 0;
    this.value = Number.NaN;
  }
}
