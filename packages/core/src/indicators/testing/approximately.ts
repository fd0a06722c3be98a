/** Whether two outputs agree: both NaN, or within `tolerance` relative to max(|expected|, 1). */
export const REFERENCE_TOLERANCE = 1e-9;

export function approximately(actual: number, expected: number, tolerance = REFERENCE_TOLERANCE): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  return Math.abs(actual - expected) <= tolerance * Math.max(Math.abs(expected), 1);
}

/** Index of the first entry where `actual` and `expected` disagree, or undefined. */
export function firstDifference(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance = REFERENCE_TOLERANCE,
): number | undefined {
  if (actual.length !== expected.length) return -1;
  for (let index = 0; index < actual.length; index++) {
    if (!approximately(actual[index] as number, expected[index] as number, tolerance)) return index;
  }
  return undefined;
}
