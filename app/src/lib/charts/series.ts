/** Chart data as lightweight-charts wants it: seconds, strictly ascending, one value per time. */

/** [time in ms, value]: the API's chart points (equity curves). */
export type ChartPoint = readonly [number, number];

export interface TimeValue {
  time: number;
  value: number;
}

/** Points in ms → {time in s, value}, sorted, the last value kept for a repeated second, non-finite dropped. */
export function toTimeValues(points: readonly ChartPoint[]): TimeValue[] {
  const sorted = points.filter(([time, value]) => Number.isFinite(time) && Number.isFinite(value));
  sorted.sort((a, b) => a[0] - b[0]);
  const out: TimeValue[] = [];
  for (const [timeMs, value] of sorted) {
    const time = Math.floor(timeMs / 1000);
    const last = out[out.length - 1];
    if (last !== undefined && last.time === time) last.value = value;
    else out.push({ time, value });
  }
  return out;
}

/** Drawdown from the running peak at each point, as a negative fraction (-0.12 = 12% below the peak). */
export function drawdownSeries(points: readonly ChartPoint[]): ChartPoint[] {
  let peak = Number.NEGATIVE_INFINITY;
  return points.map(([time, value]) => {
    peak = Math.max(peak, value);
    return [time, peak > 0 ? value / peak - 1 : 0] as const;
  });
}

const DAY_SECONDS = 86_400;

/** The visible range that shows the last `days` of data (or all of it when shorter). */
export function lastDaysRange(data: readonly TimeValue[], days: number | null): { from: number; to: number } | null {
  const first = data[0];
  const last = data[data.length - 1];
  if (first === undefined || last === undefined || days === null) return null;
  const from = last.time - days * DAY_SECONDS;
  return from <= first.time ? null : { from, to: last.time };
}

/** At most `max` points for drawing (every k-th point, always the last): a chart cannot show more pixels. */
export function downsample<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const step = Math.ceil(points.length / max);
  const out: T[] = [];
  for (let i = 0; i < points.length; i += step) out.push(points[i] as T);
  const last = points[points.length - 1] as T;
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}
