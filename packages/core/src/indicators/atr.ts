/**
 * Average True Range as TA-Lib's TA_ATR (ta_ATR.c): true range from the second candle on (it needs the
 * previous close), the first ATR the plain mean of the first `period` true ranges (index `period`), then
 * Wilder-smoothed: atr = (atr · (period − 1) + tr) / period.
 * Lookback = period; warmup adds the updates for the seed's weight ((period − 1)/period)^m to fall below 1e-10.
 */
import { checkPeriod } from './indicator-options-error.ts';
import { updatesToForgetSeed, wilderRetention } from './seed-decay.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';
import { trueRange } from './true-range.ts';

export interface AverageTrueRangeOptions {
  /** Number of true ranges averaged (≥ 2); default 14, Wilder's. */
  period?: number;
}

export class AverageTrueRange implements StreamingIndicator {
  readonly period: number;
  readonly lookback: number;
  readonly warmup: number;
  value = Number.NaN;
  private previousClose = Number.NaN;
  private seedTotal = 0;
  private seen = 0;

  constructor(options: AverageTrueRangeOptions = {}) {
    this.period = checkPeriod('ATR', 'period', options.period ?? 14, 2);
    this.lookback = this.period;
    this.warmup = this.lookback + updatesToForgetSeed(wilderRetention(this.period));
  }

  update(high: number, low: number, close: number): number {
    const previousClose = this.previousClose;
    this.previousClose = close;
    // The seeding candles take a separate, cold path, which keeps this one small enough for callers to inline.
    // Its result is read back from `value`, not returned: a number returned by a call V8 does not inline would
    // make this function's result a boxed number on every candle, not only on the seeding ones.
    if (this.seen <= this.period) {
      this.seed(high, low, previousClose);
      return this.value;
    }
    const period = this.period;
    this.value = (this.value * (period - 1) + trueRange(high, low, previousClose)) / period;
    return this.value;
  }

  /** The first candle (no true range yet), then the `period` true ranges whose mean is the first ATR. */
  private seed(high: number, low: number, previousClose: number): void {
    const seen = this.seen++;
    if (seen === 0) return;
    this.seedTotal += trueRange(high, low, previousClose);
    if (seen === this.period) this.value = this.seedTotal / this.period;
  }

  reset(): void {
    this.previousClose = Number.NaN;
    this.seedTotal = 0;
    this.seen = 0;
    this.value = Number.NaN;
  }
}
