/**
 * Equity over time as two parallel Float64Arrays (time ms UTC, equity in quote), 16 bytes a point and no object
 * per point. Capacity doubles when full (amortised O(1), a copy per doubling); give `initialCapacity` = number of
 * candles and recording never allocates at all.
 */
import { PortfolioError } from './errors.ts';

export interface EquityCurveOptions {
  /** Points to preallocate; default 1024. */
  initialCapacity?: number;
}

const DEFAULT_INITIAL_CAPACITY = 1024;

export class EquityCurve {
  private timeMs: Float64Array;
  private equity: Float64Array;
  private count = 0;

  constructor(options: EquityCurveOptions = {}) {
    const capacity = options.initialCapacity ?? DEFAULT_INITIAL_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new PortfolioError('invalid-options', `initialCapacity must be a positive integer, got ${capacity}`);
    }
    this.timeMs = new Float64Array(capacity);
    this.equity = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends a point; times must not go backwards (a curve is a time series). */
  record(timeMs: number, equityQuote: number): void {
    const count = this.count;
    if (count > 0 && timeMs < (this.timeMs[count - 1] as number)) {
      throw new PortfolioError(
        'time-out-of-order',
        `equity point at ${timeMs} comes before the previous one at ${this.timeMs[count - 1]}`,
      );
    }
    if (count === this.timeMs.length) this.grow();
    this.timeMs[count] = timeMs;
    this.equity[count] = equityQuote;
    this.count = count + 1;
  }

  timeAt(index: number): number {
    return this.timeMs[index] as number;
  }

  equityAt(index: number): number {
    return this.equity[index] as number;
  }

  /** The recorded times, a view sharing memory with the curve (valid until the next record grows it). */
  times(): Float64Array {
    return this.timeMs.subarray(0, this.count);
  }

  /** The recorded equity values, a view like times(). */
  equities(): Float64Array {
    return this.equity.subarray(0, this.count);
  }

  /** Forgets every point, keeping the memory. */
  clear(): void {
    this.count = 0;
  }

  private grow(): void {
    const capacity = this.timeMs.length * 2;
    const timeMs = new Float64Array(capacity);
    const equity = new Float64Array(capacity);
    timeMs.set(this.timeMs);
    equity.set(this.equity);
    this.timeMs = timeMs;
    this.equity = equity;
  }
}
