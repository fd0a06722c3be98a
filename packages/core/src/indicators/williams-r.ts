/**
 * Williams %R as TA-Lib's TA_WILLR (ta_WILLR.c): (highest high − close) / ((highest high − lowest low) / −100)
 * over the last `period` candles, in [−100, 0]; 0 when the range is 0.
 * Lookback = warmup = period − 1.
 */
import { HighLowRange, rangePeriodError } from './high-low-range.ts';
import { checkPeriod } from './indicator-options-error.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';

export interface WilliamsPercentROptions {
  /** Candles of the high-low range; default 14. */
  period?: number;
}

const NEGATIVE_PERCENT = -100;

export class WilliamsPercentR implements StreamingIndicator {
  readonly period: number;
  readonly lookback: number;
  readonly warmup: number;
  value = Number.NaN;
  private readonly range: HighLowRange;

  constructor(options: WilliamsPercentROptions = {}) {
    this.period = checkPeriod('WILLR', 'period', options.period ?? 14, 2);
    this.range = new HighLowRange(this.period);
    this.lookback = this.period - 1;
    this.warmup = this.lookback;
  }

  update(high: number, low: number, close: number): number {
    this.range.update(high, low);
    return this.updateFromRange(this.range, close);
  }

  /**
   * Feeds a candle through a range of `period` candles its owner has already updated with it, instead of the
   * indicator's own: indicators of the same period can share one range (see HighLowRange).
   */
  updateFromRange(range: HighLowRange, close: number): number {
    if (range.period !== this.period) throw rangePeriodError('WILLR', this.period, range);
    if (!range.full) return this.value;
    const highest = range.highest;
    const lowest = range.lowest;
    const rangePerPercent = (highest - lowest) / NEGATIVE_PERCENT;
    this.value = rangePerPercent !== 0 ? (highest - close) / rangePerPercent : 0;
    return this.value;
  }

  reset(): void {
    this.range.reset();
    this.value = Number.NaN;
  }
}
