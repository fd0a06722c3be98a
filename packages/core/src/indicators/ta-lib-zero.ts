/**
 * TA-Lib's notion of zero (ta_utility.h): TA_EPSILON = 1e-14, TA_IS_ZERO(v) is |v| < TA_EPSILON and
 * TA_IS_ZERO_OR_NEG(v) is v < TA_EPSILON. RSI, ADX and Bollinger's deviation use these tests, so to match
 * TA-Lib on tiny prices (BTC-quoted altcoins at 1e-8) we must use the same epsilon, not an exact 0.
 */
export const TA_LIB_EPSILON = 1e-14;

export function isTaLibZero(value: number): boolean {
  return -TA_LIB_EPSILON < value && value < TA_LIB_EPSILON;
}

export function isTaLibZeroOrNegative(value: number): boolean {
  return value < TA_LIB_EPSILON;
}
