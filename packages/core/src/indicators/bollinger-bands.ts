/**
 * Bollinger Bands as TA-Lib's TA_BBANDS with an SMA middle band (ta_BBANDS.c): middle = SMA(period),
 * upper/lower = middle ± k · σ, where σ is the population standard deviation of the same window computed
 * as TA-Lib does (TA_INT_stddev_using_precalc_ma in ta_STDDEV.c): σ² = mean(x²) − middle², with mean(x²)
 * from a running total like the SMA's, and σ = 0 when σ² < 1e-14 (TA_IS_ZERO_OR_NEG).
 * Lookback = warmup = period − 1.
 */
import { checkPeriod } from './indicator-options-error.ts';
import { SimpleMovingAverage } from './sma.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';
import { isTaLibZeroOrNegative } from './ta-lib-zero.ts';

export interface BollingerBandsOptions {
  /** Window length (≥ 2); default 20. */
  period?: number;
  /** Standard deviations from the middle to the upper band; default 2. */
  deviationsUp?: number;
  /** Standard deviations from the middle to the lower band; default 2. */
  deviationsDown?: number;
}

export class BollingerBands implements StreamingIndicator {
  readonly period: number;
  readonly deviationsUp: number;
  readonly deviationsDown: number;
  readonly lookback: number;
  readonly warmup: number;
  /** The main output: the middle band. */
  value = Number.NaN;
  upper = Number.NaN;
  middle = Number.NaN;
  lower = Number.NaN;
  private readonly closeAverage: SimpleMovingAverage;
  private readonly squareAverage: SimpleMovingAverage;

  constructor(options: BollingerBandsOptions = {}) {
    this.period = checkPeriod('BBANDS', 'period', options.period ?? 20, 2);
    this.deviationsUp = options.deviationsUp ?? 2;
    this.deviationsDown = options.deviationsDown ?? 2;
    this.closeAverage = new SimpleMovingAverage({ period: this.period });
    this.squareAverage = new SimpleMovingAverage({ period: this.period });
    this.lookback = this.closeAverage.lookback;
    this.warmup = this.lookback;
  }

  update(close: number): number {
    const middle = this.closeAverage.update(close);
    const meanOfSquares = this.squareAverage.update(close * close);
    if (Number.isNaN(middle)) return this.value;
    const variance = meanOfSquares - middle * middle;
    const deviation = isTaLibZeroOrNegative(variance) ? 0 : Math.sqrt(variance);
    this.middle = middle;
    this.upper = middle + deviation * this.deviationsUp;
    this.lower = middle - deviation * this.deviationsDown;
    this.value = middle;
    return middle;
  }

  reset(): void {
    this.closeAverage.reset();
    this.squareAverage.reset();
    this.value = this.upper = this.middle = this.lower = Number.NaN;
  }
}
