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
import { nearestNumber } from './format.ts';
import { safeUnits, unitsFromNumber, unitsToNumber } from './safe-units.ts';

export interface WideUnits {
  /** Whole 10^-10 units: a safe integer, or NaN when the value is not exact in two words. */
  readonly units: number;
  /** 10^-18 units below one 10^-10 unit: a whole number in [0, 10^8). */
  readonly fine: number;
}

/** 10^10 units per whole one, exact as a double. */
const UNITS_PER_WHOLE = 1e10;
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
 * safe-units.ts unitsToNumber), else nearestWithFine, which settles all but the values within a hair of a
 * halfway point between two numbers in doubles, and those through the Decimal (format.ts nearestNumber: a value
 * with fine units is on neither of decimalToNumber's short grids, 10^-10 and 10^-8).
 */
export function wideToNumber(value: WideUnits): number {
  if (value.fine === 0) return unitsToNumber(value.units);
  const units = value.units;
  // −(u + f / 10^8) = −((−u − 1) + (10^8 − f) / 10^8): the magnitude in two words; IEEE rounds symmetrically.
  const nearest =
    units >= 0 ? nearestWithFine(units, value.fine) : -nearestWithFine(-units - 1, FINE_PER_UNIT - value.fine);
  return Number.isNaN(nearest) ? nearestNumber(wideToDecimal(value)) : nearest;
}

/** The bits of a double's significand after the leading one. */
const FRACTION_BITS = 52;
/** 10^-18 (the fine unit) is not a double: fine / 10^18 is one correctly rounded division. */
const FINE_PER_WHOLE = 1e18;

/** Values are doubled (exactly) until their whole part is at least 2^10, which keeps nearestWithFine's margin small. */
const MIN_WHOLE_UNITS = 2 ** 10 * UNITS_PER_WHOLE;

/**
 * The number nearest to units × 10^-10 + fine × 10^-18 (units ≥ 0 safe, fine in [0, 10^8)), or NaN when it lies
 * too near a halfway point between two numbers for this to tell. Why it is exact:
 * - A value below 2^10 is first doubled m times, its units and fine units each doubled with the carry passed on
 *   (whole numbers below 2^53, so exact); doubling moves the numbers around it by the same factor, so the nearest
 *   to the original is the nearest to the doubled value divided by 2^m, also exact.
 * - The value is then w + r with the whole w = ⌊units / 10^10⌋ (2^10 ≤ w < 2^20) and the fraction r = rest / 10^10 +
 *   fine / 10^18 < 1. With 2^b ≤ w < 2^(b+1), the numbers in [2^b, 2^(b+1)] are spaced 2^-k apart (k = 52 − b), w is
 *   one of them, so the nearest is w + round(r × 2^k) × 2^-k, a sum IEEE computes exactly.
 * - r × 2^k is estimated by s = (rest / 10^10 + fine / 10^18) × 2^k: three correctly rounded operations on exact
 *   doubles, each off by at most 2^-53 of its result, leave s within 2.0001 × 2^-53 × 2^k of it, below the bound
 *   `margin` = 3 × 2^(k−53) (at most 3 × 2^-11). When s is more than `margin` from the halfway point between the
 *   integers around it, r × 2^k rounds to the same integer as s; otherwise the answer is NaN. The fractional part
 *   of s and `margin` are exact doubles, so that test is exact.
 */
function nearestWithFine(units: number, fine: number): number {
  // Zero would never reach 2^10 by doubling (the caller has fine units, so it never asks).
  if (!(units > 0 || fine > 0)) return Number.NaN;
  let doubledUnits = units;
  let doubledFine = fine;
  let doubling = 1;
  while (doubledUnits < MIN_WHOLE_UNITS) {
    doubledUnits *= 2;
    doubledFine *= 2;
    if (doubledFine >= FINE_PER_UNIT) {
      doubledFine -= FINE_PER_UNIT;
      doubledUnits += 1;
    }
    doubling *= 2;
  }
  const whole = Math.floor(doubledUnits / UNITS_PER_WHOLE);
  const rest = doubledUnits - whole * UNITS_PER_WHOLE;
  const spacing = 2 ** (FRACTION_BITS - (31 - Math.clz32(whole)));
  const scaled = (rest / UNITS_PER_WHOLE + doubledFine / FINE_PER_WHOLE) * spacing;
  const below = Math.floor(scaled);
  const aboveHalf = scaled - below - 0.5;
  if (!(Math.abs(aboveHalf) > MARGIN_PER_SPACING * spacing)) return Number.NaN;
  return (whole + (aboveHalf > 0 ? below + 1 : below) / spacing) / doubling;
}

/** nearestWithFine's margin per unit of 2^k: three times the relative rounding error of one operation. */
const MARGIN_PER_SPACING = 3 * 2 ** -53;

/** Digits of the fraction held in `units` (10^-10) and in `fine` (the next 8, to 10^-18). */
const UNIT_FRACTION_DIGITS = 10;
const FRACTION_DIGITS = 18;

/**
 * The decimal a number stands for, read as decimalFromNumber reads it (its shortest text), in two words without
 * a bigint: the units when it has at most 10 places (safe-units.ts unitsFromNumber), else, for a value ≥ 0, the
 * digits of that text. WIDE_NOT_EXACT when the text has more than 18 places (decimalFromNumber would round it)
 * or an exponent, when the value does not fit, and for a non-finite value or a negative one with more than 10
 * places: the caller then takes the Decimal path. Why: the cash-sized amounts a ledger's numbers carry (12 or 13
 * places, 17 digits) are past decimalFromNumber's fast path, whose text path costs a regular expression and
 * bigints; a market buy of all the cash submits one.
 */
export function wideFromNumber(value: number): WideUnits {
  const units = unitsFromNumber(value);
  if (!Number.isNaN(units)) return { units, fine: 0 };
  if (!(value >= 0 && Number.isFinite(value))) return WIDE_NOT_EXACT;
  // Number::toString spells a value in [1e-6, 1e21) as plain digits, with a point when it has a fraction.
  const text = String(value);
  const point = text.indexOf('.');
  const places = text.length - point - 1;
  if (text.indexOf('e') >= 0 || point < 0 || point > MAX_WHOLE_DIGITS || places > FRACTION_DIGITS) {
    return WIDE_NOT_EXACT;
  }
  const unitPlaces = Math.min(places, UNIT_FRACTION_DIGITS);
  const whole = digitsValue(text, 0, point);
  const unitsOfFraction =
    digitsValue(text, point + 1, point + 1 + unitPlaces) * (POWERS_OF_TEN[UNIT_FRACTION_DIGITS - unitPlaces] as number);
  const fine =
    digitsValue(text, point + 1 + unitPlaces, text.length) *
    (POWERS_OF_TEN[FRACTION_DIGITS - UNIT_FRACTION_DIGITS - (places - unitPlaces)] as number);
  return wideOf(safeUnits(safeUnits(whole * UNITS_PER_WHOLE) + unitsOfFraction), fine);
}

/** A whole part with more digits than this is at least 10^16 > 2^53: its units are not safe. */
const MAX_WHOLE_DIGITS = 16;
/** 10^0 … 10^10, exact doubles. */
const POWERS_OF_TEN = Array.from({ length: UNIT_FRACTION_DIGITS + 1 }, (_, k) => 10 ** k);
const ZERO_CODE = 48;

/**
 * The decimal digits text[from, to) as an integer, exact below 2^53 (at most 16 digits here). Read code by code:
 * slicing and parsing allocates a string per part.
 */
function digitsValue(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + (text.charCodeAt(i) - ZERO_CODE);
  return value;
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
