/**
 * Rolling correlation of a symbol's 1-candle log returns with the reference symbol's (BTC), paired by candle
 * time, without look-ahead in interleaved multi-symbol runs.
 *
 * The rule: the symbol's feature at candle time t uses the pairs (r(τ), r_ref(τ)) for candle times τ ≤ t,
 * and the pair of time t itself only if the reference's candle t was fed before the symbol's. When the
 * reference's candle t comes later (its symbol index is higher in the same time step), the pair of time t is
 * held back and joins the window at the symbol's next candle, when it is past data. A candle time the
 * reference has no candle for (a gap in one series) gives no pair. The reference's own feature is 1.
 *
 * Only the reference's last two (time, return) are kept; that is all a time-ordered run needs. A reference
 * fed ahead of time (not interleaved) never matches the symbol's current time, so its future returns are
 * never paired: the feature stays masked instead.
 */
import { ReturnPairCorrelation } from './return-pair-correlation.ts';

/** The reference symbol's latest two 1-candle returns and their candle times. */
export class ReferenceReturns {
  latestTime = Number.NaN;
  latestReturn = Number.NaN;
  previousTime = Number.NaN;
  previousReturn = Number.NaN;

  record(time: number, logReturn: number): void {
    this.previousTime = this.latestTime;
    this.previousReturn = this.latestReturn;
    this.latestTime = time;
    this.latestReturn = logReturn;
  }

  /** The reference's return for candle `time`, if still held; NaN otherwise. */
  returnAt(time: number): number {
    if (time === this.latestTime) return this.latestReturn;
    if (time === this.previousTime) return this.previousReturn;
    return Number.NaN;
  }
}

/** One symbol's correlation with the reference, under the pairing rule above. */
export class ReferenceCorrelation {
  /** The current correlation; NaN until `window` pairs are in, or when either series is constant over them. */
  value = Number.NaN;
  private readonly correlation: ReturnPairCorrelation;
  private heldTime = Number.NaN;
  private heldReturn = Number.NaN;
  /** The candle being paired, handed from `update` to `pairCandle`. */
  private candleTime = Number.NaN;
  private candleReturn = Number.NaN;

  constructor(window: number) {
    this.correlation = new ReturnPairCorrelation(window);
  }

  /** The symbol's candle `time` closed with 1-candle log return `logReturn` (NaN on its first candle). */
  update(time: number, logReturn: number, reference: ReferenceReturns): number {
    this.candleTime = time;
    this.candleReturn = logReturn;
    this.pairCandle(reference);
    return this.value;
  }

  /**
   * The body of `update`, which takes the candle from the fields: V8 boxes (allocates) the number arguments of a
   * call it does not inline, and this body is too large to be inlined into the engine's update.
   */
  private pairCandle(reference: ReferenceReturns): void {
    if (!Number.isNaN(this.heldTime)) {
      this.addPair(this.heldReturn, reference.returnAt(this.heldTime));
      this.heldTime = Number.NaN;
    }
    const time = this.candleTime;
    if (time === reference.latestTime) {
      this.addPair(this.candleReturn, reference.latestReturn);
    } else {
      this.heldTime = time;
      this.heldReturn = this.candleReturn;
    }
  }

  private addPair(symbolReturn: number, referenceReturn: number): void {
    // Both returns must be defined: a NaN would poison the correlation's running sums.
    if (Number.isNaN(symbolReturn) || Number.isNaN(referenceReturn)) return;
    const correlation = this.correlation;
    correlation.add(symbolReturn, referenceReturn);
    this.value = correlation.correlation;
  }
}
