/**
 * Simple moving average: the mean of the last `period` inputs. As TA-Lib's TA_SMA (ta_SMA.c), a running
 * total is kept: the new input is added, the mean taken, then the oldest input of the window subtracted,
 * in that order, so our floating-point results are bit-identical to TA-Lib's.
 * Lookback = warmup = period − 1.
 */
import { checkPeriod } from './indicator-options-error.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';

export interface SimpleMovingAverageOptions {
  /** Number of inputs averaged (≥ 1). */
  period: number;
}

export class SimpleMovingAverage implements StreamingIndicator {
  readonly period: number;
  readonly lookback: number;
  readonly warmup: number;
  value = Number.NaN;
  private readonly window: Float64Array;
  private total = 0;
  private seen = 0;
  /** Ring slot of the next input, which is also the slot of the oldest input once the window is full. */
  private slot = 0;

  constructor(options: SimpleMovingAverageOptions) {
    this.period = checkPeriod('SMA', 'period', options.period, 1);
    this.lookback = this.period - 1;
    this.warmup = this.lookback;
    this.window = new Float64Array(this.period);
  }

  update(input: number): number {
    const window = this.window;
    const slot = this.slot;
    this.total += input;
    window[slot] = input;
    const oldest = slot + 1 === this.period ? 0 : slot + 1;
    this.slot = oldest;
    if (this.seen < this.lookback) {
      this.seen++;
      return this.value;
    }
    this.value = this.total / this.period;
    this.total -= window[oldest] as number;
    return this.value;
  }

  reset(): void {
    this.window.fill(0);
    this.total = 0;
    this.seen = 0;
    this.slot = 0;
    this.value = Number.NaN;
  }
}
