/**
 * How a result with more digits than the target keeps its last digit.
 * - `half-even`: to nearest, ties to the even neighbour (banker's rounding, IEEE 754's default): unbiased over
 *   many operations, so the default everywhere a value is merely computed.
 * - `down` / `up`: toward / away from zero. Quantities are rounded `down` to the lot (never buy more than asked).
 * - `floor` / `ceiling`: toward −∞ / +∞, for bounds whose direction must not depend on the sign.
 */
export type RoundingMode = 'half-even' | 'down' | 'up' | 'floor' | 'ceiling';

export const DEFAULT_ROUNDING: RoundingMode = 'half-even';

/** numerator / denominator as an integer, rounded by `mode`. The caller guarantees denominator ≠ 0. */
export function divideRounded(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  let n = numerator;
  let d = denominator;
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const truncated = n / d;
  // Bigint division truncates: toward zero is the quotient itself, with no remainder to take.
  if (mode === 'down') return truncated;
  const remainder = n % d;
  if (remainder === 0n) return truncated;
  switch (mode) {
    case 'up':
      return awayFromZero(truncated, n);
    case 'floor':
      return n < 0n ? awayFromZero(truncated, n) : truncated;
    case 'ceiling':
      return n > 0n ? awayFromZero(truncated, n) : truncated;
    case 'half-even': {
      const twiceRemainder = 2n * (remainder < 0n ? -remainder : remainder);
      if (twiceRemainder < d) return truncated;
      if (twiceRemainder > d) return awayFromZero(truncated, n);
      return truncated % 2n === 0n ? truncated : awayFromZero(truncated, n);
    }
  }
}

/** The integer next to a truncated quotient, away from zero (on the numerator's side). */
function awayFromZero(truncated: bigint, numerator: bigint): bigint {
  return numerator < 0n ? truncated - 1n : truncated + 1n;
}
