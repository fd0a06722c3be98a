/**
 * Exponential moving average as TA-Lib's TA_EMA in its default compatibility (ta_EMA.c, TA_INT_EMA):
 * seeded with the simple mean of the first `period` inputs (first output at index period − 1), then
 * ema = (input − ema) · k + ema with k = 2 / (period + 1), in that operation order.
 * Lookback = period − 1; warmup adds the updates after which the seed's weight (1 − k)^m < 1e-10.
 */
import { checkPeriod } from './indicator-options-error.ts';
import { emaRetention, updatesToForgetSeed } from './seed-decay.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';

export interface ExponentialMovingAverageOptions {
  /** Number of inputs of the seed mean, and the span that sets k = 2 / (period + 1) (≥ 1). */
  period: number;
}

export class ExponentialMovingAverage implements StreamingIndicator {
  readonly period: number;
  /** The smoothing factor k (alpha) = 2 / (period + 1), TA-Lib's PER_TO_K. */
  readonly smoothing: number;
  readonly lookback: number;
  readonly warmup: number;
  value = Number.NaN;
  private seedTotal = 0;
  private seen = 0;

  constructor(options: ExponentialMovingAverageOptions) {
    this.period = checkPeriod('EMA', 'period', options.period, 1);
    this.smoothing = 2 / (this.period + 1);
    this.lookback = this.period - 1;
    this.warmup = this.lookback + (this.period > 1 ? updatesToForgetSeed(emaRetention(this.period)) : 0);
  }

  update(input: number): number {
    if (this.seen < this.period) {
      this.seedTotal += input;
      this.seen++;
      if (this.seen === this.period) this.value = this.seedTotal / this.period;
      return this.value;
    }
    this.value = (input - this.value) * this.smoothing + this.value;
    return this.value;
  }

  reset(): void {
    this.seedTotal = 0;
    this.seen = 0;
    this.value = Number.NaN;
  }
}
