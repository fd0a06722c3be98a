/**
 * Exact amounts with 18 places without bigints: a whole count of 10^-10 units (`units`, a safe integer, any
 * sign) plus a count of 10^-18 (`fine`, a whole number in [0, 10^8)), i.e. units × 10^-10 + fine × 10^-18, the
 * Decimal units × 10^8 + fine.
 *
 * Why: money/safe-units.ts holds 10 places, enough for a lot of 10^-8 times a 2-decimal price (BTC, ETH), but a
 * price with 4 or 5 decimals (SOL, XRP, ADA, BNB) gives notionals and cash with 12 or 13 places, and 10,000 quote
 * at that scale is past 2^53. Two words hold them to the Decimal's 18 places, with the same range as units
 * (±9.007 × 10^5 quote). Every function returns a value whose `units` is NaN when it cannot give the exact answer (an
 * amount past the range, a product with more than 18 places): the caller then takes the Decimal path.
 *
 * Each function computes on safe integers only, every intermediate checked to stay safe (safeUnits), so each
 * double operation is integer arithmetic (see safe-units.ts).
 */
import { type Decimal, decimalFromUnits } from './decimal.ts';
import { decimalToNumber } from './format.ts';
import { safeUnits, unitsToNumber } from './safe-units.ts';

export interface WideUnits {
  /** Whole 10^-10 units: a safe integer, or NaN when the value is not exact in two words. */
  readonly units: number;
  /** 10^-18 units below one 10^-10 unit: a whole number in [0, 10^8). */
  readonly fine: number;
}

/** Fine units (10^-18) per unit (10^-10), as a double and as a bigint. */
const FINE_PER_UNIT = 1e8;
const FINE_PER_UNIT_BIGINT = 100_000_000n;
/** A product of two unit counts is in 10^-20: this many of those per unit, and per fine unit. */
const PRODUCT_PER_UNIT = 1e10;
const PRODUCT_PER_FINE = 100;
/** productInParts of fine units splits at 10^10 fine units, which are 100 units. */
const UNITS_PER_FINE_HIGH_WORD = PRODUCT_PER_UNIT / FINE_PER_UNIT;
/** Factors are split at 10^5, and each partial product is checked safe. */
const SPLIT = 1e5;
const MAX_SAFE_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);

export const WIDE_NOT_EXACT: WideUnits = { units: Number.NaN, fine: 0 };
export const WIDE_ZERO: WideUnits = { units: 0, fine: 0 };

export function wideFromUnits(units: number): WideUnits {
  return Number.isSafeInteger(units) ? { units, fine: 0 } : WIDE_NOT_EXACT;
}

/** Whether the value is exact in two words (its units are not NaN). */
export function isWideExact(value: WideUnits): boolean {
  return !Number.isNaN(value.units);
}

/** The count of 10^-10 units when the value has at most 10 places, else NaN. */
export function wideToUnits(value: WideUnits): number {
  return value.fine === 0 ? value.units : Number.NaN;
}

export function wideToDecimal(value: WideUnits): Decimal {
  return decimalFromUnits(BigInt(value.units) * FINE_PER_UNIT_BIGINT + BigInt(value.fine));
}

/** A Decimal in two words; WIDE_NOT_EXACT when its units would not be safe. */
export function wideFromDecimal(value: Decimal): WideUnits {
  // Floor division, so that `fine` is never negative: bigint division truncates toward zero.
  let units = value / FINE_PER_UNIT_BIGINT;
  let fine = value % FINE_PER_UNIT_BIGINT;
  if (fine < 0n) {
    fine += FINE_PER_UNIT_BIGINT;
    units -= 1n;
  }
  if (units > MAX_SAFE_BIGINT || units < -MAX_SAFE_BIGINT) return WIDE_NOT_EXACT;
  return { units: Number(units), fine: Number(fine) };
}

/**
 * The nearest number, as decimalToNumber gives it: the units' own division when there are no fine units (as
 * safe-units.ts unitsToNumber), else through the Decimal, since correct rounding of a two-word sum in doubles
 * would need a proof of its own; this runs once per fill, not per candle.
 */
export function wideToNumber(value: WideUnits): number {
  return value.fine === 0 ? unitsToNumber(value.units) : decimalToNumber(wideToDecimal(value));
}

/**
 * The carry (or borrow) joins the first operand before the second: that sum is at most 2^53 in size, which a double
 * holds, and adding the second operand is then exact whenever the result is safe (and unsafe when it is not), even
 * where the sum of the units alone would pass the range before the carry brings it back.
 */
export function addWide(a: WideUnits, b: WideUnits): WideUnits {
  const fine = a.fine + b.fine;
  const carry = fine >= FINE_PER_UNIT ? 1 : 0;
  return wideOf(safeUnits(a.units + carry + b.units), fine - carry * FINE_PER_UNIT);
}

export function subWide(a: WideUnits, b: WideUnits): WideUnits {
  const fine = a.fine - b.fine;
  const borrow = fine < 0 ? 1 : 0;
  return wideOf(safeUnits(a.units - borrow - b.units), fine + borrow * FINE_PER_UNIT);
}

/** -1, 0 or 1 as a is below, equal to or above b; NaN when either is not exact. */
export function compareWide(a: WideUnits, b: WideUnits): number {
  if (Number.isNaN(a.units) || Number.isNaN(b.units)) return Number.NaN;
  if (a.units !== b.units) return a.units < b.units ? -1 : 1;
  return a.fine === b.fine ? 0 : a.fine < b.fine ? -1 : 1;
}

/**
 * a × b for unit counts a, b ≥ 0, exactly, when the product has at most 18 places and fits (as mulDecimal, which
 * then needs no rounding); WIDE_NOT_EXACT otherwise.
 */
export function mulUnitsWide(a: number, b: number): WideUnits {
  const product = productInParts(a, b);
  if (product === null || product.below % PRODUCT_PER_FINE !== 0) return WIDE_NOT_EXACT;
  return { units: product.units, fine: product.below / PRODUCT_PER_FINE };
}

/** An exact product of two unit counts in 10^-20: units × 10^10 + below, below in [0, 10^10). */
interface ProductInParts {
  readonly units: number;
  readonly below: number;
}

/**
 * a × b (safe integers ≥ 0) split at 10^10, computed from halves split at 10^5: a × b = a1·b1 × 10^10 +
 * (a1·b0 + a0·b1) × 10^5 + a0·b0, each term checked safe. null when a term or the result is not.
 */
function productInParts(a: number, b: number): ProductInParts | null {
  if (!(a >= 0 && b >= 0 && Number.isSafeInteger(a) && Number.isSafeInteger(b))) return null;
  // floor(x / 10^5) is exact for safe x ≥ 0 (safe-units.ts floorDivUnits), so the low halves are too.
  const aHigh = Math.floor(a / SPLIT);
  const aLow = a - aHigh * SPLIT;
  const bHigh = Math.floor(b / SPLIT);
  const bLow = b - bHigh * SPLIT;
  const middle = safeUnits(safeUnits(aHigh * bLow) + safeUnits(aLow * bHigh));
  const middleHigh = Math.floor(middle / SPLIT);
  const middleLow = middle - middleHigh * SPLIT;
  // Below 10^10 + 10^10: safe, and at most one carry.
  const below = middleLow * SPLIT + aLow * bLow;
  const carry = below >= PRODUCT_PER_UNIT ? 1 : 0;
  const units = safeUnits(safeUnits(safeUnits(aHigh * bHigh) + middleHigh) + carry);
  if (Number.isNaN(units)) return null;
  return { units, below: below - carry * PRODUCT_PER_UNIT };
}

/**
 * ⌊value × numerator / divisor⌋ in whole units (value ≥ 0 in two words, numerator ≥ 0 and divisor > 0 safe), as
 * ⌈…⌉ when `ceiling`; NaN when an intermediate is not safe. With value = u + f / 10^8 and f × numerator =
 * c × 10^8 + e (e < 10^8): value × numerator = M + e / 10^8 for the whole M = u × numerator + c, and adding a
 * fraction in (0, 1) to a whole M never passes a multiple of the divisor, so the floor is ⌊M / divisor⌋ and, when
 * e > 0, the ceiling is that plus one.
 */
export function scaledDivWide(value: WideUnits, numerator: number, divisor: number, ceiling: boolean): number {
  if (!(value.units >= 0 && numerator >= 0 && divisor > 0 && Number.isSafeInteger(divisor))) return Number.NaN;
  const fineProduct = safeUnits(value.fine * numerator);
  const wholeOfFine = Math.floor(fineProduct / FINE_PER_UNIT);
  const fractionOfFine = fineProduct - wholeOfFine * FINE_PER_UNIT;
  const whole = safeUnits(safeUnits(value.units * numerator) + wholeOfFine);
  if (Number.isNaN(whole)) return Number.NaN;
  const quotient = Math.floor(whole / divisor);
  if (!ceiling) return quotient;
  return fractionOfFine > 0 || quotient * divisor !== whole ? quotient + 1 : quotient;
}

/**
 * value × whole (both ≥ 0, whole a safe integer), exactly; not exact when it does not fit. With value = u + f /
 * 10^8: u × whole in units, and f × whole (productInParts: H × 10^10 + R) = (H × 100 + ⌊R / 10^8⌋) units and
 * R mod 10^8 fine units.
 */
export function mulWideByWhole(value: WideUnits, whole: number): WideUnits {
  const fineProduct = productInParts(value.fine, whole);
  const unitsProduct = safeUnits(value.units * whole);
  if (fineProduct === null || !(unitsProduct >= 0)) return WIDE_NOT_EXACT;
  const unitsOfFine = Math.floor(fineProduct.below / FINE_PER_UNIT);
  const fine = fineProduct.below - unitsOfFine * FINE_PER_UNIT;
  const unitsOfHighWord = safeUnits(fineProduct.units * UNITS_PER_FINE_HIGH_WORD);
  return wideOf(safeUnits(safeUnits(unitsProduct + unitsOfHighWord) + unitsOfFine), fine);
}

/** Whole quotients estimated in doubles are checked exactly while below this (their relative error is 2^-50). */
const MAX_ESTIMATED_QUOTIENT = 2 ** 50;
const MAX_CORRECTIONS = 4;

/**
 * ⌊value / divisor⌋ for value ≥ 0 and divisor > 0 in two words: the whole number q with q × divisor ≤ value <
 * (q + 1) × divisor, or NaN when it or an intermediate is not safe. A double estimate (off by at most a few for
 * quotients below 2^50), then exact checks (mulWideByWhole) that move it to the answer.
 */
export function floorDivWide(value: WideUnits, divisor: WideUnits): number {
  if (!(value.units >= 0 && divisor.units >= 0) || (divisor.units === 0 && divisor.fine === 0)) return Number.NaN;
  const estimate = (value.units + value.fine / FINE_PER_UNIT) / (divisor.units + divisor.fine / FINE_PER_UNIT);
  let quotient = Math.floor(estimate);
  if (!(quotient >= 0 && quotient < MAX_ESTIMATED_QUOTIENT)) return Number.NaN;
  for (let corrections = 0; corrections < MAX_CORRECTIONS; corrections++) {
    const atQuotient = compareWide(mulWideByWhole(divisor, quotient), value);
    if (Number.isNaN(atQuotient)) return Number.NaN;
    if (atQuotient > 0) {
      if (quotient === 0) return Number.NaN;
      quotient--;
      continue;
    }
    const atNext = compareWide(mulWideByWhole(divisor, quotient + 1), value);
    if (Number.isNaN(atNext)) return Number.NaN;
    if (atNext <= 0) {
      quotient++;
      continue;
    }
    return quotient;
  }
  return Number.NaN;
}

function wideOf(units: number, fine: number): WideUnits {
  return Number.isNaN(units) ? WIDE_NOT_EXACT : { units, fine };
}
