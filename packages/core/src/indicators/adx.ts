/**
 * Average Directional Index as TA-Lib's TA_ADX (ta_ADX.c), whose accumulation we follow step by step:
 * - +DM1/−DM1 per candle: the larger of today's up move (high − previous high) and down move
 *   (previous low − low) if positive, the other 0; both 0 when they are equal (Wilder's seven cases).
 * - Candles 1 … period−1: +DM, −DM and TR are plain sums (period − 1 values).
 * - From candle `period` on, each is Wilder-smoothed as sum − sum/period + today's value, and
 *   DX = 100 · |−DI − +DI| / (−DI + +DI) with ±DI = 100 · ±DM / TR. Candles period … 2·period−1 add their
 *   DX to a total whose mean is the first ADX (index 2·period − 1 = 27 for 14); after that
 *   adx = (adx · (period − 1) + DX) / period.
 * - TA-Lib's quirks: a DX whose TR or DI sum is zero by TA_IS_ZERO (|x| < 1e-14) is skipped, i.e. not
 *   added to the seed total (which is still divided by `period`) and leaves the ADX unchanged afterwards.
 * Lookback = 2·period − 1; warmup adds the seed-forgetting updates of both Wilder stages (DM/TR, then ADX),
 * which holds while the market moves (see seed-decay.ts).
 */
import { checkPeriod } from './indicator-options-error.ts';
import { updatesToForgetSeed, wilderRetention } from './seed-decay.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';
import { isTaLibZero } from './ta-lib-zero.ts';
import { trueRange } from './true-range.ts';

export interface AverageDirectionalIndexOptions {
  /** Wilder's smoothing period; default 14. */
  period?: number;
}

const PERCENT = 100;

export class AverageDirectionalIndex implements StreamingIndicator {
  readonly period: number;
  readonly lookback: number;
  readonly warmup: number;
  value = Number.NaN;
  private previousHigh = Number.NaN;
  private previousLow = Number.NaN;
  private previousClose = Number.NaN;
  private plusDirectionalMovement = 0;
  private minusDirectionalMovement = 0;
  private smoothedTrueRange = 0;
  private directionalIndexTotal = 0;
  /** Index of the next candle, counted up to lookback + 1 only (past that, all candles are alike). */
  private candleIndex = 0;

  constructor(options: AverageDirectionalIndexOptions = {}) {
    this.period = checkPeriod('ADX', 'period', options.period ?? 14, 2);
    this.lookback = 2 * this.period - 1;
    this.warmup = this.lookback + 2 * updatesToForgetSeed(wilderRetention(this.period));
  }

  update(high: number, low: number, close: number): number {
    const period = this.period;
    const index = this.candleIndex;
    const upMove = high - this.previousHigh;
    const downMove = this.previousLow - low;
    const range = trueRange(high, low, this.previousClose);
    this.previousHigh = high;
    this.previousLow = low;
    this.previousClose = close;
    if (index <= this.lookback) this.candleIndex = index + 1;
    if (index === 0) return this.value;

    if (index >= period) {
      this.minusDirectionalMovement -= this.minusDirectionalMovement / period;
      this.plusDirectionalMovement -= this.plusDirectionalMovement / period;
    }
    if (downMove > 0 && upMove < downMove) this.minusDirectionalMovement += downMove;
    else if (upMove > 0 && upMove > downMove) this.plusDirectionalMovement += upMove;
    if (index < period) {
      this.smoothedTrueRange += range;
      return this.value;
    }
    this.smoothedTrueRange = this.smoothedTrueRange - this.smoothedTrueRange / period + range;

    const directionalIndex = this.directionalIndex();
    if (index <= this.lookback) {
      if (!Number.isNaN(directionalIndex)) this.directionalIndexTotal += directionalIndex;
      if (index === this.lookback) this.value = this.directionalIndexTotal / period;
    } else if (!Number.isNaN(directionalIndex)) {
      this.value = (this.value * (period - 1) + directionalIndex) / period;
    }
    return this.value;
  }

  /** DX of the current smoothed movements, NaN where TA-Lib skips it (zero TR or zero DI sum). */
  private directionalIndex(): number {
    const range = this.smoothedTrueRange;
    if (isTaLibZero(range)) return Number.NaN;
    const minusDirectionalIndicator = PERCENT * (this.minusDirectionalMovement / range);
    const plusDirectionalIndicator = PERCENT * (this.plusDirectionalMovement / range);
    const indicatorSum = minusDirectionalIndicator + plusDirectionalIndicator;
    if (isTaLibZero(indicatorSum)) return Number.NaN;
    return PERCENT * (Math.abs(minusDirectionalIndicator - plusDirectionalIndicator) / indicatorSum);
  }

  reset(): void {
    this.previousHigh = this.previousLow = this.previousClose = Number.NaN;
    this.plusDirectionalMovement = 0;
    this.minusDirectionalMovement = 0;
    this.smoothedTrueRange = 0;
    this.directionalIndexTotal = 0;
    this.candleIndex = 0;
    this.value = Number.NaN;
  }
}
