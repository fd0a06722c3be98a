/**
 * The candles of several series in time order, one time step at a time: a k-way merge of their open times (k is
 * small). Each step names the series with a candle at its time once, so the backtester's passes over a step visit
 * only those, without testing every series again.
 */
import type { CandleSeries } from '../market/types.ts';

export class TimeSteps {
  /** Per series, the index of its next candle not yet stepped past. */
  readonly cursor: Int32Array;
  /** The series with a candle at `time`, in list order: the first `dueCount` entries. */
  readonly due: Int32Array;
  dueCount = 0;
  /** The current step's time (ms UTC); +∞ once every series is done. */
  time = Number.NaN;
  private readonly seriesList: readonly CandleSeries[];

  constructor(seriesList: readonly CandleSeries[]) {
    this.seriesList = seriesList;
    this.cursor = new Int32Array(seriesList.length);
    this.due = new Int32Array(seriesList.length);
  }

  /** Moves to the earliest candle time not yet stepped past; false when every series is done. */
  next(): boolean {
    const seriesList = this.seriesList;
    const cursor = this.cursor;
    const due = this.due;
    let earliest = Number.POSITIVE_INFINITY;
    let dueCount = 0;
    for (let s = 0; s < seriesList.length; s++) {
      const series = seriesList[s] as CandleSeries;
      const i = cursor[s] as number;
      if (i >= series.length) continue;
      const time = series.time[i] as number;
      if (time < earliest) {
        earliest = time;
        dueCount = 0;
      }
      if (time === earliest) due[dueCount++] = s;
    }
    this.time = earliest;
    this.dueCount = dueCount;
    return dueCount > 0;
  }

  /** Steps every due series past its candle at `time`. */
  advance(): void {
    const cursor = this.cursor;
    for (let k = 0; k < this.dueCount; k++) {
      const s = this.due[k] as number;
      cursor[s] = (cursor[s] as number) + 1;
    }
  }
}

/** Distinct candle times across all series, counting only those before `before` when given. */
export function countTimeSteps(seriesList: readonly CandleSeries[], before = Number.POSITIVE_INFINITY): number {
  if (seriesList.length === 1 && before === Number.POSITIVE_INFINITY) return (seriesList[0] as CandleSeries).length;
  const steps = new TimeSteps(seriesList);
  let count = 0;
  while (steps.next() && steps.time < before) {
    count++;
    steps.advance();
  }
  return count;
}
