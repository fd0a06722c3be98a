/**
 * Money Flow Index as TA-Lib's TA_MFI (ta_MFI.c): typical price (high + low + close) / 3; money flow =
 * typical price · volume, counted as positive when the typical price rose from the previous candle,
 * negative when it fell, neither when unchanged; MFI = 100 · positive / (positive + negative) over the
 * last `period` flows (first output at index `period`). TA-Lib's quirk, reproduced: the output is 0 when
 * positive + negative < 1.0 (an absolute threshold, which bites on thin BTC-quoted markets).
 * Lookback = warmup = period.
 */
import { checkPeriod } from './indicator-options-error.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';

export interface MoneyFlowIndexOptions {
  /** Number of money flows summed; default 14. */
  period?: number;
}

const PERCENT = 100;
/** ta_MFI.c: `if( tempValue1 < 1.0 ) outReal = 0.0` — total money flow below one quote unit gives 0. */
const MINIMUM_TOTAL_MONEY_FLOW = 1.0;

export class MoneyFlowIndex implements StreamingIndicator {
  readonly period: number;
  readonly lookback: number;
  readonly warmup: number;
  value = Number.NaN;
  private readonly positiveFlows: Float64Array;
  private readonly negativeFlows: Float64Array;
  private positiveTotal = 0;
  private negativeTotal = 0;
  private previousTypicalPrice = Number.NaN;
  private slot = 0;
  private seen = 0;

  constructor(options: MoneyFlowIndexOptions = {}) {
    this.period = checkPeriod('MFI', 'period', options.period ?? 14, 2);
    this.lookback = this.period;
    this.warmup = this.lookback;
    this.positiveFlows = new Float64Array(this.period);
    this.negativeFlows = new Float64Array(this.period);
  }

  update(high: number, low: number, close: number, volume: number): number {
    const typicalPrice = (high + low + close) / 3;
    const change = typicalPrice - this.previousTypicalPrice;
    this.previousTypicalPrice = typicalPrice;
    if (this.seen === 0) {
      this.seen = 1;
      return this.value;
    }
    const slot = this.slot;
    // The slot's flows leave the window (they are 0 while the ring is still filling).
    this.positiveTotal -= this.positiveFlows[slot] as number;
    this.negativeTotal -= this.negativeFlows[slot] as number;
    const moneyFlow = typicalPrice * volume;
    let positive = 0;
    let negative = 0;
    if (change < 0) negative = moneyFlow;
    else if (change > 0) positive = moneyFlow;
    this.positiveFlows[slot] = positive;
    this.negativeFlows[slot] = negative;
    this.positiveTotal += positive;
    this.negativeTotal += negative;
    this.slot = slot + 1 === this.period ? 0 : slot + 1;
    if (this.seen < this.period) {
      this.seen++;
      return this.value;
    }
    const total = this.positiveTotal + this.negativeTotal;
    this.value = total < MINIMUM_TOTAL_MONEY_FLOW ? 0 : PERCENT * (this.positiveTotal / total);
    return this.value;
  }

  reset(): void {
    this.positiveFlows.fill(0);
    this.negativeFlows.fill(0);
    this.positiveTotal = 0;
    this.negativeTotal = 0;
    this.previousTypicalPrice = Number.NaN;
    this.slot = 0;
    this.seen = 0;
    this.value = Number.NaN;
  }
}
