/**
 * The warm-up contract, checked the way `keel recursive` checks it: an output computed from a suffix of the
 * history (starting at `start`) must agree with the full-history output from `warmup` candles after `start` on,
 * within 1e-9 relative to max(|value|, scale). Returns the first index where they differ, or undefined.
 */
export const HISTORY_TOLERANCE = 1e-9;

export function firstHistoryDisagreement(
  full: Float64Array,
  fromStart: Float64Array,
  start: number,
  warmup: number,
  scale = 1,
): number | undefined {
  for (let index = warmup; index < fromStart.length; index++) {
    const expected = full[start + index] as number;
    const actual = fromStart[index] as number;
    if (Number.isNaN(expected) && Number.isNaN(actual)) continue;
    const allowed = HISTORY_TOLERANCE * Math.max(Math.abs(expected), scale);
    if (!(Math.abs(expected - actual) <= allowed)) return start + index;
  }
  return undefined;
}

/** Index of the first non-NaN value (the observed lookback), or the length if all are NaN. */
export function leadingNaNs(values: Float64Array): number {
  const first = values.findIndex((value) => !Number.isNaN(value));
  return first === -1 ? values.length : first;
}
