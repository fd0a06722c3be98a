/**
 * The last few poll outcomes of one reading (a market's order book, or its funding rate), so a bot deciding on a
 * candle that closed at T gets what was known at T — not the poll that came in while the close was being fetched,
 * which is T's future. A failed or rejected poll is an outcome too: it masks the reading from its time on, so a
 * source that broke is never read through to the good value before it.
 */
import type { TimedReading } from './market-extras-source.ts';

/** Enough for a bot to be a few minutes behind at the default polls (15 s order books, 60 s funding). */
const DEFAULT_CAPACITY = 32;

export class ReadingHistory {
  private readonly values: Float64Array;
  private readonly times: Float64Array;
  private next = 0;
  private count = 0;

  constructor(capacity = DEFAULT_CAPACITY) {
    this.values = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
  }

  /** A reading as polled. */
  record(reading: TimedReading): void {
    this.values[this.next] = reading.value;
    this.times[this.next] = reading.timeMs;
    this.next = (this.next + 1) % this.values.length;
    this.count = Math.min(this.count + 1, this.values.length);
  }

  /** The source failed (or had nothing) at `timeMs`: nothing is known from then until the next reading. */
  recordFailure(timeMs: number): void {
    this.record({ value: Number.NaN, timeMs });
  }

  /**
   * The latest outcome stamped at or before `decisionTimeMs`: the reading then known, or null when that was a
   * failure or is older than the history.
   */
  at(decisionTimeMs: number): TimedReading | null {
    let latest = -1;
    for (let back = 0; back < this.count; back++) {
      const slot = (this.next - 1 - back + this.values.length) % this.values.length;
      const time = this.times[slot] as number;
      if (time <= decisionTimeMs && (latest < 0 || time > (this.times[latest] as number))) latest = slot;
    }
    if (latest < 0) return null;
    const value = this.values[latest] as number;
    return Number.isNaN(value) ? null : { value, timeMs: this.times[latest] as number };
  }
}
