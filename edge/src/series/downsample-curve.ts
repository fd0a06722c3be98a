/**
 * Fewer points for a chart without hiding a drawdown. The rule (min-max bucketing, as in M4 / Jugel et al. 2014
 * without the per-bucket first/last):
 *
 * - a curve of at most `maxPoints` points is returned as is;
 * - otherwise the first and the last point are kept, and the points between them are cut into
 *   ⌊(maxPoints − 2) / 2⌋ buckets of (nearly) equal count; each bucket keeps its lowest and its highest point
 *   (one point when they are the same), in time order.
 *
 * So the result never has more than `maxPoints` points, is a subsequence of the curve (no value is invented or
 * averaged away), and keeps the curve's global peak and trough: the deepest drawdown stays visible at any zoom.
 */

/** [time ms, value]. */
export type CurvePoint = [number, number];

/** The fewest points a downsampled curve may ask for: first, last and one bucket's low and high. */
export const MIN_DOWNSAMPLED_POINTS = 4;

export function downsampleCurve(points: readonly CurvePoint[], maxPoints: number): CurvePoint[] {
  if (!Number.isInteger(maxPoints) || maxPoints < MIN_DOWNSAMPLED_POINTS) {
    throw new RangeError(`maxPoints must be a whole number ≥ ${MIN_DOWNSAMPLED_POINTS}, got ${maxPoints}`);
  }
  if (points.length <= maxPoints) return points.slice();
  const interiorStart = 1;
  const interiorEnd = points.length - 1;
  const interior = interiorEnd - interiorStart;
  const buckets = Math.floor((maxPoints - 2) / 2);
  const kept: CurvePoint[] = [points[0] as CurvePoint];
  for (let bucket = 0; bucket < buckets; bucket++) {
    const start = interiorStart + Math.floor((bucket * interior) / buckets);
    const end = interiorStart + Math.floor(((bucket + 1) * interior) / buckets);
    if (start >= end) continue;
    let low = start;
    let high = start;
    for (let i = start + 1; i < end; i++) {
      const value = (points[i] as CurvePoint)[1];
      if (value < (points[low] as CurvePoint)[1]) low = i;
      if (value > (points[high] as CurvePoint)[1]) high = i;
    }
    const first = Math.min(low, high);
    const second = Math.max(low, high);
    kept.push(points[first] as CurvePoint);
    if (second !== first) kept.push(points[second] as CurvePoint);
  }
  kept.push(points[interiorEnd] as CurvePoint);
  return kept;
}
