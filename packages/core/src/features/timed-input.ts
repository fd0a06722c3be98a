/**
 * Per-symbol optional data that arrives on its own clock (order-book imbalance, funding rate), with the
 * staleness rule that keeps it honest: a value set at `time` is used for a candle whose close (decision time)
 * is at or after `time` and at most `maxAgeMs` after it. Anything older is stale and anything newer is the
 * candle's future; both read as NaN (masked), never as a fresh value. A symbol never set reads NaN.
 */
export class TimedInput {
  readonly maxAgeMs: number;
  private readonly values: Float64Array;
  private readonly times: Float64Array;

  constructor(symbolCount: number, maxAgeMs: number) {
    this.maxAgeMs = maxAgeMs;
    this.values = new Float64Array(symbolCount).fill(Number.NaN);
    this.times = new Float64Array(symbolCount).fill(Number.NaN);
  }

  /** Records `value` observed at `time` (ms since epoch); a non-finite value clears the slot. */
  set(symbolIndex: number, value: number, time: number): void {
    if (!(Number.isInteger(symbolIndex) && symbolIndex >= 0 && symbolIndex < this.values.length)) {
      throw new RangeError(`symbolIndex must be an integer in [0, ${this.values.length}), got ${symbolIndex}`);
    }
    if (!Number.isFinite(time)) throw new RangeError(`time must be a finite number of ms, got ${time}`);
    const usable = Number.isFinite(value);
    this.values[symbolIndex] = usable ? value : Number.NaN;
    this.times[symbolIndex] = usable ? time : Number.NaN;
  }

  /** The value to use for a candle of `symbolIndex` closing at `decisionTime`, or NaN when masked. */
  read(symbolIndex: number, decisionTime: number): number {
    const age = decisionTime - (this.times[symbolIndex] as number);
    return age >= 0 && age <= this.maxAgeMs ? (this.values[symbolIndex] as number) : Number.NaN;
  }
}
