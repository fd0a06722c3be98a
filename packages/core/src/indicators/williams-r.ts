/**
 * Williams %R as TA-Lib's TA_WILLR (ta_WILLR.c): (highest high − close) / ((highest high − lowest low) / −100)
 * over the last `period` candles, in [−100, 0]; 0 when the range is 0.
 * Lookback = warmup = period − 1.
 */
import { checkPeriod } from './indicator-options-error.ts';
import { RollingExtreme } from './rolling-extreme.ts';
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
  private readonly highestHigh: RollingExtreme;
  private readonly lowestLow: RollingExtreme;

  constructor(options: WilliamsPercentROptions = {}) {
    this.period = checkPeriod('WILLR', 'period', options.period ?? 14, 2);
    this.highestHigh = new RollingExtreme(this.period, 'highest');
    this.lowestLow = new RollingExtreme(this.period, 'lowest');
    this.lookback = this.period - 1;
    this.warmup = this.lookback;
  }

  update(high: number, low: number, close: number): number {
    const highest = this.highestHigh.update(high);
    const lowest = this.lowestLow.update(low);
    if (!this.highestHigh.full) return this.value;
    const rangePerPercent = (highest - lowest) / NEGATIVE_PERCENT;
    this.value = rangePerPercent !== 0 ? (highest - close) / rangePerPercent : 0;
    return this.value;
  }

  reset(): void {
    this.highestHigh.reset();
    this.lowestLow.reset();
    this.value = Number.NaN;
  }
}
