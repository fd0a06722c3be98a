/**
 * Wilder's true range: the largest of high − low, |high − previous close| and |low − previous close|,
 * compared in that order as TA-Lib's TA_TRANGE (ta_TRANGE.c) and ADX's TRUE_RANGE macro do.
 */
export function trueRange(high: number, low: number, previousClose: number): number {
  let greatest = high - low;
  const fromHigh = Math.abs(previousClose - high);
  if (fromHigh > greatest) greatest = fromHigh;
  const fromLow = Math.abs(previousClose - low);
  if (fromLow > greatest) greatest = fromLow;
  return greatest;
}
