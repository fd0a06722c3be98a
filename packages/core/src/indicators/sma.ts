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
    this.window[this.slot] = input;
    this.advance();
    return this.value;
  }

  /**
   * update(values[index]), its result left in `value`. For hot loops: no number crosses a call on the way, so none
   * is boxed (an allocation) where V8 leaves one of these calls un-inlined.
   */
  updateFrom(values: Float64Array, index: number): void {
    this.window[this.slot] = values[index] as number;
    this.advance();
  }

  /** Takes in the input just written to the ring's current slot. */
  private advance(): void {
    const window = this.window;
    const slot = this.slot;
    this.total += window[slot] as number;
    const oldest = slot + 1 === this.period ? 0 : slot + 1;
    this.slot = oldest;
    if (this.seen < this.lookback) {
      this.seen++;
      return;
    }
    this.value = this.total / this.period;
    this.total -= window[oldest] as number;
  }

  reset(): void {
    this.window.fill(0);
    this.total = 0;
    this.seen = 0;
    this.slot = 0;
    this.value = Number.NaN;
  }
}
