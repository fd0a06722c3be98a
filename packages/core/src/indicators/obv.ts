/**
 * On-Balance Volume as TA-Lib's TA_OBV (ta_OBV.c): starts at the first candle's volume, then adds the
 * candle's volume when the close rose, subtracts it when the close fell, and keeps it on an unchanged close.
 * Lookback = 0. OBV is a running total from its first candle, so its level depends on all history it has
 * seen and never forgets it: warmup = Infinity (only its changes are history-independent).
 */
import type { StreamingIndicator } from './streaming-indicator.ts';

export class OnBalanceVolume implements StreamingIndicator {
  readonly lookback = 0;
  readonly warmup = Number.POSITIVE_INFINITY;
  value = Number.NaN;
  private previousClose = Number.NaN;
  private started = false;

  update(close: number, volume: number): number {
    if (!this.started) {
      this.started = true;
      this.value = volume;
    } else if (close > this.previousClose) this.value += volume;
    else if (close < this.previousClose) this.value -= volume;
    this.previousClose = close;
    return this.value;
  }

  reset(): void {
    this.previousClose = Number.NaN;
    this.started = false;
    this.value = Number.NaN;
  }
}
