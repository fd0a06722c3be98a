/**
 * Moving Average Convergence/Divergence as TA-Lib's TA_MACD (ta_MACD.c, TA_INT_MACD):
 * macd = EMA(fast) − EMA(slow), signal = EMA(signalPeriod) of macd, histogram = macd − signal.
 * TA-Lib starts both EMAs aligned at the slow lookback: the slow EMA is seeded with the mean of the first
 * `slow` closes, the fast EMA with the mean of the `fast` closes ending at that same candle (index slow − 1,
 * not fast − 1). The signal EMA is seeded with the mean of the first `signal` macd values, so all three
 * outputs start at index (slow − 1) + (signal − 1): 33 for 12/26/9.
 * Warmup = lookback + the seed-forgetting updates of the slow EMA and of the signal EMA (seed-decay.ts);
 * macd crosses zero, so its agreement is relative to the price level, not to macd itself.
 */
import { ExponentialMovingAverage } from './ema.ts';
import { checkPeriod } from './indicator-options-error.ts';
import { emaRetention, updatesToForgetSeed } from './seed-decay.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';

export interface MacdOptions {
  /** Fast EMA period; default 12. */
  fast?: number;
  /** Slow EMA period; default 26. As TA-Lib, fast and slow are swapped if slow < fast. */
  slow?: number;
  /** Signal EMA period; default 9. */
  signal?: number;
}

export class Macd implements StreamingIndicator {
  readonly lookback: number;
  readonly warmup: number;
  /** The main output: macd. */
  value = Number.NaN;
  macd = Number.NaN;
  signal = Number.NaN;
  histogram = Number.NaN;
  private readonly fastAverage: ExponentialMovingAverage;
  private readonly slowAverage: ExponentialMovingAverage;
  private readonly signalAverage: ExponentialMovingAverage;
  /** Closes before the first one the fast EMA sees, so that its seed ends where the slow one's does. */
  private readonly fastDelay: number;
  private seen = 0;

  constructor(options: MacdOptions = {}) {
    const fast = checkPeriod('MACD', 'fast', options.fast ?? 12, 2);
    const slow = checkPeriod('MACD', 'slow', options.slow ?? 26, 2);
    const signal = checkPeriod('MACD', 'signal', options.signal ?? 9, 1);
    const [fastPeriod, slowPeriod] = slow < fast ? [slow, fast] : [fast, slow];
    this.fastAverage = new ExponentialMovingAverage({ period: fastPeriod });
    this.slowAverage = new ExponentialMovingAverage({ period: slowPeriod });
    this.signalAverage = new ExponentialMovingAverage({ period: signal });
    this.fastDelay = slowPeriod - fastPeriod;
    this.lookback = this.slowAverage.lookback + this.signalAverage.lookback;
    this.warmup =
      this.lookback + updatesToForgetSeed(emaRetention(slowPeriod)) + updatesToForgetSeed(emaRetention(signal));
  }

  update(close: number): number {
    const slow = this.slowAverage.update(close);
    if (this.seen < this.fastDelay) {
      this.seen++;
      return this.value;
    }
    const fast = this.fastAverage.update(close);
    if (Number.isNaN(slow)) return this.value;
    const macd = fast - slow;
    const signal = this.signalAverage.update(macd);
    if (Number.isNaN(signal)) return this.value;
    this.macd = macd;
    this.signal = signal;
    this.histogram = macd - signal;
    this.value = macd;
    return macd;
  }

  reset(): void {
    this.fastAverage.reset();
    this.slowAverage.reset();
    this.signalAverage.reset();
    this.seen = 0;
    this.value = this.macd = this.signal = this.histogram = Number.NaN;
  }
}
