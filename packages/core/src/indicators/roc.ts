/**
 * Rate of change as TA-Lib's TA_ROC (ta_ROC.c): ((close / close `period` candles ago) − 1) · 100, in
 * percent; 0 when that older close is 0. Lookback = warmup = period.
 */
import { checkPeriod } from './indicator-options-error.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';

export interface RateOfChangeOptions {
  /** How many candles back the reference close is; default 10. */
  period?: number;
}

const PERCENT = 100;

export class RateOfChange implements StreamingIndicator {
  readonly period: number;
  readonly lookback: number;
  readonly warmup: number;
  value = Number.NaN;
  /** The last `period` closes; the slot of the next close holds the close `period` candles before it. */
  private readonly closes: Float64Array;
  private slot = 0;
  private seen = 0;

  constructor(options: RateOfChangeOptions = {}) {
    this.period = checkPeriod('ROC', 'period', options.period ?? 10, 1);
    this.lookback = this.period;
    this.warmup = this.lookback;
    this.closes = new Float64Array(this.period);
  }

  update(close: number): number {
    const referenceClose = this.closes[this.slot] as number;
    this.closes[this.slot] = close;
    this.slot = this.slot + 1 === this.period ? 0 : this.slot + 1;
    if (this.seen < this.period) {
      this.seen++;
      return this.value;
    }
    this.value = referenceClose !== 0 ? (close / referenceClose - 1) * PERCENT : 0;
    return this.value;
  }

  reset(): void {
    this.closes.fill(0);
    this.slot = 0;
    this.seen = 0;
    this.value = Number.NaN;
  }
}
