/**
 * The z-scored features of one symbol, scored together: each column of the feature vector listed in `columns`
 * has its own RollingMoments window (`window` values), fed with the column's raw value of the candle.
 *
 * Scoring them in one loop over same-shaped windows, with the raw values in Float64Arrays, costs one call per
 * block of candles in which V8 inlines the window's update once; a call per feature inlines it seven times over,
 * which exhausts the optimiser's inlining budget, and each call left out boxes its number argument (an
 * allocation).
 */
import { clipFeature } from './clamp-feature.ts';
import { RollingMoments } from './rolling-moments.ts';

export class RollingZScores {
  readonly window: number;
  /** The feature columns scored, in the order of their windows. */
  readonly columns: Int32Array;
  private readonly windows: RollingMoments[];

  constructor(window: number, columns: readonly number[]) {
    this.window = window;
    this.columns = Int32Array.from(columns);
    this.windows = columns.map(() => new RollingMoments(window));
  }

  /**
   * For each row 0 … count − 1 and each scored column: adds rawRows[row][column] to the column's window and
   * writes its z-score against the window, clipped to ±FEATURE_CLIP, to outRows[row][column]. A NaN raw value
   * (an input still undefined) is not added and scores 0. Window by window: each window takes its rows in
   * order, so every score is what row-by-row scoring gives, and stays in the cache through them.
   */
  updateRows(rawRows: readonly Float64Array[], outRows: readonly Float32Array[], count: number): void {
    const columns = this.columns;
    const windows = this.windows;
    for (let index = 0; index < columns.length; index++) {
      const column = columns[index] as number;
      const moments = windows[index] as RollingMoments;
      for (let row = 0; row < count; row++) {
        const value = (rawRows[row] as Float64Array)[column] as number;
        (outRows[row] as Float32Array)[column] = clipFeature(zScoreOf(moments, value));
      }
    }
  }
}

/** Adds a defined input to its window and scores it; NaN (not added) while the input is still undefined. */
export function zScoreOf(moments: RollingMoments, value: number): number {
  if (Number.isNaN(value)) return Number.NaN;
  moments.update(value);
  return moments.zScore(value);
}
