/**
 * The highest high and the lowest low of the last `period` candles: the range Stochastic's fast %K and
 * Williams %R are both built on. One range can serve several indicators of the same period — its owner
 * updates it once per candle and each indicator reads it through its `updateFromRange` (StreamingIndicatorSet
 * shares one between STOCH 14 and WILLR 14), saving a pair of monotonic deques per extra indicator.
 */
import { RollingExtreme } from './rolling-extreme.ts';

export class HighLowRange {
  readonly period: number;
  /** Highest high of the candles seen, at most `period` of them; NaN before the first. */
  highest = Number.NaN;
  /** Lowest low of the candles seen, at most `period` of them; NaN before the first. */
  lowest = Number.NaN;
  private readonly highs: RollingExtreme;
  private readonly lows: RollingExtreme;

  constructor(period: number) {
    this.period = period;
    this.highs = new RollingExtreme(period, 'highest');
    this.lows = new RollingExtreme(period, 'lowest');
  }

  /** True once `period` candles have been seen, i.e. the range covers a full window. */
  get full(): boolean {
    return this.highs.full;
  }

  update(high: number, low: number): void {
    this.highest = this.highs.update(high);
    this.lowest = this.lows.update(low);
  }

  reset(): void {
    this.highs.reset();
    this.lows.reset();
    this.highest = this.lowest = Number.NaN;
  }
}

/** The error for a shared range whose period is not the one the indicator was built for. */
export function rangePeriodError(indicator: string, period: number, range: HighLowRange): RangeError {
  return new RangeError(`${indicator}: needs a HighLowRange of period ${period}, got ${range.period}`);
}
