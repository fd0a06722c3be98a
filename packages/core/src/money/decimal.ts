/**
 * The ledger's exact number: a bigint counting units of 10^-18 (fixed point, scale 10^18).
 *
 * Why 18 places: every exchange price, quantity and fee rate has at most 18 decimals (ERC-20 tokens go down to
 * 10^-18; CEX ticks and lots rarely below 10^-10), so each one parses exactly, and the product of two 8-decimal
 * values (qty × price on Binance) is still exact. A bigint never overflows, so there is no magnitude limit; the
 * cost is speed, which is why hot loops read cached JS numbers and bigint work happens only when money moves.
 *
 * The brand keeps raw bigints (counts, timestamps) from being mistaken for decimals: build values with the
 * parsers or `decimalFromUnits`, never with a bare `5n`.
 */
export type Decimal = bigint & { readonly __brand: 'Decimal' };

export const DECIMAL_PLACES = 18;
/** Units per 1: 10^DECIMAL_PLACES. */
export const DECIMAL_SCALE = 10n ** BigInt(DECIMAL_PLACES);

export const DECIMAL_ZERO = decimalFromUnits(0n);
export const DECIMAL_ONE = decimalFromUnits(DECIMAL_SCALE);

/** A decimal from its raw count of 10^-18 units (`decimalFromUnits(1n)` is 0.000000000000000001). */
export function decimalFromUnits(units: bigint): Decimal {
  return units as Decimal;
}

/** -1, 0 or 1 as a is below, equal to or above b (a comparator for `Array.prototype.sort`). */
export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function minDecimal(a: Decimal, b: Decimal): Decimal {
  return a <= b ? a : b;
}

export function maxDecimal(a: Decimal, b: Decimal): Decimal {
  return a >= b ? a : b;
}

export function isZeroDecimal(value: Decimal): boolean {
  return value === 0n;
}

export function isNegativeDecimal(value: Decimal): boolean {
  return value < 0n;
}
