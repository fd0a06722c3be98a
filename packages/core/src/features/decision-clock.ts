/**
 * Where each candle's close lies, i.e. the decision time its features serve: open time + candle length.
 * The length is given, or inferred per symbol as the smallest step between consecutive candle times seen so
 * far (gaps only make steps longer). Before a symbol's second candle the length is unknown and taken as 0,
 * so its close is its open: conservative, as only data older than the candle can then qualify.
 */
export class DecisionClock {
  private readonly givenCandleMs: number;
  private readonly previousTimes: Float64Array;
  private readonly candleMs: Float64Array;

  /** `candleMs` NaN: infer it. */
  constructor(symbolCount: number, candleMs: number) {
    this.givenCandleMs = candleMs;
    this.previousTimes = new Float64Array(symbolCount).fill(Number.NaN);
    this.candleMs = new Float64Array(symbolCount).fill(Number.POSITIVE_INFINITY);
  }

  /**
   * Learns from the candle of `symbolIndex` opening at `openTimes[index]`; call once per candle, in order. It takes
   * the time by column and index, and returns nothing: a number crossing a call V8 does not inline is boxed (an
   * allocation), and the feature engine calls this on every candle.
   */
  observe(symbolIndex: number, openTimes: Float64Array, index: number): void {
    const openTime = openTimes[index] as number;
    const step = openTime - (this.previousTimes[symbolIndex] as number);
    this.previousTimes[symbolIndex] = openTime;
    if (step < (this.candleMs[symbolIndex] as number)) this.candleMs[symbolIndex] = step;
  }

  /** The close of the candle of `symbolIndex` opening at `openTime`, with the length learned so far. */
  closeTime(symbolIndex: number, openTime: number): number {
    if (!Number.isNaN(this.givenCandleMs)) return openTime + this.givenCandleMs;
    const candleMs = this.candleMs[symbolIndex] as number;
    return candleMs === Number.POSITIVE_INFINITY ? openTime : openTime + candleMs;
  }
}
