/**
 * A symbol's candle-derived feature rows (SymbolFeatures' columns and its 1-candle log return), computed for a
 * run of consecutive candles in one go and then handed out one candle at a time.
 *
 * Why: a backtest interleaves every symbol by time, so each candle of a symbol finds that symbol's indicator state
 * (a few dozen objects and rings) evicted from the cache by the other symbols' candles. Over stored history, whose
 * candles are all final, computing a symbol's next `capacity` candles together keeps its state cached through them.
 * Each row is still a function of its candle and the candles before it, computed by the same code in the same
 * order, so the values are those of computing candle by candle, bit for bit.
 */
import type { CandleSeries } from '../market/types.ts';
import type { SymbolFeatures } from './symbol-features.ts';

export class FeatureRowsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeatureRowsError';
  }
}

export class FeatureRows {
  readonly capacity: number;
  readonly width: number;
  /** The series and candle indices [start, end) the rows hold; null and empty before the first fill. */
  series: CandleSeries | null = null;
  start = 0;
  end = 0;
  /** The next row not handed out yet: rows computed ahead of their candle's update lie in [next, end). */
  next = 0;
  /** Per row, the candle's 1-candle log return (NaN on a symbol's first candle). */
  readonly logReturns: Float64Array;
  private readonly values: Float32Array;
  /** One view per row on `values`, made once, so that filling a row allocates nothing. */
  private readonly rowViews: Float32Array[];
  /** The one row of feedOne: the caller's own vector. */
  private readonly directRow: readonly Float32Array[];

  /** `vector`: where feedOne writes its candle's row. */
  constructor(capacity: number, width: number, vector: Float32Array) {
    this.capacity = capacity;
    this.width = width;
    this.directRow = [vector];
    this.values = new Float32Array(capacity * width);
    this.logReturns = new Float64Array(capacity);
    this.rowViews = Array.from({ length: capacity }, (_, row) => this.values.subarray(row * width, (row + 1) * width));
  }

  /** Whether candle `index` of `series` is the next row to hand out (computed by `fill`). */
  holds(series: CandleSeries, index: number): boolean {
    return series === this.series && index === this.next && index < this.end;
  }

  /**
   * Feeds candles start … start + count − 1 of `series` to `features` (which must have been fed every earlier
   * candle of the symbol) and keeps their rows. Refuses while rows computed ahead are still to be handed out:
   * their candles are already in `features`, so feeding any other candle would break its order.
   */
  fill(features: SymbolFeatures, series: CandleSeries, start: number, count: number): void {
    this.refuseWhileAhead(series, start);
    features.updateRows(series, start, count, this.rowViews, this.logReturns);
    this.series = series;
    this.start = start;
    this.next = start;
    this.end = start + count;
  }

  /**
   * Feeds candle `index` of `series` alone, its row written straight to the vector given at construction, and
   * hands it out at once (the live path, where nothing is computed ahead: no copy).
   */
  feedOne(features: SymbolFeatures, series: CandleSeries, index: number): void {
    this.refuseWhileAhead(series, index);
    features.updateRows(series, index, 1, this.directRow, this.logReturns);
    this.series = series;
    this.start = index;
    this.next = index + 1;
    this.end = index + 1;
  }

  private refuseWhileAhead(series: CandleSeries, index: number): void {
    if (this.next < this.end) {
      throw new FeatureRowsError(
        `${series.symbol}: candle ${index} fed while candles ${this.next}…${this.end - 1} of ` +
          `${this.series?.symbol} computed ahead were not: a replayed history must be fed whole, in order`,
      );
    }
  }

  /** Copies the next row (candle `next`) to `out` and moves past it. */
  takeRow(out: Float32Array): void {
    const values = this.values;
    const width = this.width;
    const offset = (this.next - this.start) * width;
    for (let column = 0; column < width; column++) out[column] = values[offset + column] as number;
    this.next++;
  }
}
