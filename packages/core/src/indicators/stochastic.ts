/**
 * Slow stochastic oscillator as TA-Lib's TA_STOCH with SMA smoothing (ta_STOCH.c):
 * fast %K = (close − lowest low) / ((highest high − lowest low) / 100) over the last `fastK` candles, 0 when
 * that range is 0; %K = SMA(slowK) of fast %K; %D = SMA(slowD) of %K. TA-Lib outputs %K and %D together,
 * from index (fastK − 1) + (slowK − 1) + (slowD − 1): 17 for 14/3/3.
 * Lookback = warmup = that index (every stage is a finite window).
 */
import { HighLowRange, rangePeriodError } from './high-low-range.ts';
import { checkPeriod } from './indicator-options-error.ts';
import { SimpleMovingAverage } from './sma.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';

export interface StochasticOptions {
  /** Candles of the high-low range of fast %K; default 14. */
  fastK?: number;
  /** SMA period smoothing fast %K into %K; default 3. */
  slowK?: number;
  /** SMA period smoothing %K into %D; default 3. */
  slowD?: number;
}

const PERCENT = 100;

export class Stochastic implements StreamingIndicator {
  readonly fastK: number;
  readonly lookback: number;
  readonly warmup: number;
  /** The main output: %K. */
  value = Number.NaN;
  k = Number.NaN;
  d = Number.NaN;
  private readonly range: HighLowRange;
  private readonly kAverage: SimpleMovingAverage;
  private readonly dAverage: SimpleMovingAverage;

  constructor(options: StochasticOptions = {}) {
    const fastK = checkPeriod('STOCH', 'fastK', options.fastK ?? 14, 1);
    this.fastK = fastK;
    const slowK = checkPeriod('STOCH', 'slowK', options.slowK ?? 3, 1);
    const slowD = checkPeriod('STOCH', 'slowD', options.slowD ?? 3, 1);
    this.range = new HighLowRange(fastK);
    this.kAverage = new SimpleMovingAverage({ period: slowK });
    this.dAverage = new SimpleMovingAverage({ period: slowD });
    this.lookback = fastK - 1 + this.kAverage.lookback + this.dAverage.lookback;
    this.warmup = this.lookback;
  }

  update(high: number, low: number, close: number): number {
    this.range.update(high, low);
    return this.updateFromRange(this.range, close);
  }

  /**
   * Feeds a candle through a range of `fastK` candles its owner has already updated with it, instead of the
   * stochastic's own: indicators of the same period can share one range (see HighLowRange).
   */
  updateFromRange(range: HighLowRange, close: number): number {
    if (range.period !== this.fastK) throw rangePeriodError('STOCH', this.fastK, range);
    if (!range.full) return this.value;
    return this.updateFromExtremes(range.highest, range.lowest, close);
  }

  /**
   * Feeds a candle by the highest high and lowest low of the full range of `fastK` candles ending with it, as
   * a HighLowRange of that period read after that candle: for an owner that keeps those per candle instead.
   */
  updateFromExtremes(highest: number, lowest: number, close: number): number {
    const rangePerPercent = (highest - lowest) / PERCENT;
    const fastK = rangePerPercent !== 0 ? (close - lowest) / rangePerPercent : 0;
    const k = this.kAverage.update(fastK);
    if (Number.isNaN(k)) return this.value;
    const d = this.dAverage.update(k);
    if (Number.isNaN(d)) return this.value;
    this.k = k;
    this.d = d;
    this.value = k;
    return k;
  }

  reset(): void {
    this.range.reset();
    this.kAverage.reset();
    this.dAverage.reset();
    this.value = this.k = this.d = Number.NaN;
  }
}
