/**
 * Exact amounts without bigints: a whole count of 10^-10 units held in a JS number, exact while it is a safe
 * integer (|count| ≤ 2^53 − 1). Float64 arithmetic on safe integers is integer arithmetic whenever the exact result
 * is safe too, and a result that is not shows up as an unsafe number (rounding is monotonic, so an exact result of
 * 2^53 or more never rounds back below it). The ledger and the paper broker book in units while every amount and
 * every intermediate stays safe, and fall back to Decimal (bigint, no limit) the first time one would not.
 *
 * Every function returns NaN when it cannot give the exact answer in units; NaN fails every comparison and
 * propagates through arithmetic, so a caller checks once, at the end, before it changes any state.
 *
 * Why 10 places: a lot of 10^-8 (Binance's finest) times a price with two decimals (BTC, ETH) is exact at 10
 * places, and 10,000 quote is 10^14 units, well below 2^53 ≈ 9.007 × 10^15.
 */
import { DECIMAL_PLACES, type Decimal, decimalFromUnits } from './decimal.ts';

export const UNIT_PLACES = 10;
/** 10^UNIT_PLACES, exact as a double. */
export const UNITS_PER_ONE = 1e10;
/** Decimal units (10^-18) per unit (10^-10). */
const DECIMAL_UNITS_PER_UNIT = 10n ** BigInt(DECIMAL_PLACES - UNIT_PLACES);
const MAX_SAFE_UNITS_BIGINT = BigInt(Number.MAX_SAFE_INTEGER);
/** Below 2^52 a count found by rounding is the one the number's shortest text spells (parse.ts, decimalWithPlaces). */
const ROUND_TRIP_LIMIT = 2 ** 52;
/** Fewer units than this have at most 15 significant digits: their number's shortest text is the decimal itself. */
const SHORT_TEXT_LIMIT = 1e15;

/**
 * The units of the decimal a number's shortest text spells (decimalFromNumber's reading), or NaN when that decimal
 * has more than 10 places or is too large. m = round(value × 10^10) with |m| < 2^52 and m / 10^10 === value is that
 * decimal: parse.ts (decimalWithPlaces) proves it.
 */
export function unitsFromNumber(value: number): number {
  const units = Math.round(value * UNITS_PER_ONE);
  return Math.abs(units) < ROUND_TRIP_LIMIT && units / UNITS_PER_ONE === value ? units : Number.NaN;
}

/**
 * The nearest number to units × 10^-10, as decimalToNumber gives it: a safe count and 10^10 are exact doubles,
 * and IEEE division rounds their quotient correctly.
 */
export function unitsToNumber(units: number): number {
  return units / UNITS_PER_ONE;
}

/**
 * The number whose shortest text spells units × 10^-10 exactly, as decimalToExactNumber gives it, when the count
 * has at most 15 digits, or is a whole count of 10^-8 (a lot) with at most 15 digits: decimalToExactNumber's two
 * grids (format.ts), read the same way. NaN otherwise (the Decimal path then decides, and may throw).
 */
export function unitsToExactNumber(units: number): number {
  if (Math.abs(units) < SHORT_TEXT_LIMIT) return units / UNITS_PER_ONE;
  // A safe count's quotient by 100 is whole exactly when the count is a multiple of 100: any other quotient is at
  // least 0.01 from a whole number, far more than its rounding error below 2^47.
  const eighthPlaces = units / UNITS_PER_EIGHTH_PLACE;
  return Number.isInteger(eighthPlaces) && Math.abs(eighthPlaces) < SHORT_TEXT_LIMIT
    ? eighthPlaces / EIGHTH_PLACES_PER_ONE
    : Number.NaN;
}

/** Units per 10^-8, and 10^-8 steps per one: decimalToExactNumber's second grid. */
const UNITS_PER_EIGHTH_PLACE = 100;
const EIGHTH_PLACES_PER_ONE = 1e8;

export function unitsToDecimal(units: number): Decimal {
  return decimalFromUnits(BigInt(units) * DECIMAL_UNITS_PER_UNIT);
}

/** The units of a Decimal, or NaN when it has more than 10 places or more than 2^53 − 1 units. */
export function unitsFromDecimal(value: Decimal): number {
  if (value % DECIMAL_UNITS_PER_UNIT !== 0n) return Number.NaN;
  const units = value / DECIMAL_UNITS_PER_UNIT;
  return units > MAX_SAFE_UNITS_BIGINT || units < -MAX_SAFE_UNITS_BIGINT ? Number.NaN : Number(units);
}

/** The count itself when safe, else NaN: the check after a sum or product of safe counts. */
export function safeUnits(units: number): number {
  return Number.isSafeInteger(units) ? units : Number.NaN;
}

/**
 * a × b (both in units) in units, when the exact product has at most 10 places and is safe; NaN otherwise (a
 * product with more places would need rounding, which the Decimal path does). The product of the counts carries
 * 20 places; the ten to drop are taken as trailing decimal zeros of the factors before multiplying, so the product
 * stays small enough to check. A product whose zeros come only from factors 2 × 5 (0.5 × 0.2) gets NaN: rare,
 * and NaN only costs speed.
 */
export function mulUnits(a: number, b: number): number {
  if (a === 0 || b === 0) return Number.isFinite(a) && Number.isFinite(b) ? 0 : Number.NaN;
  const aZeros = trailingZeros(a, UNIT_PLACES);
  const bZeros = trailingZeros(b, UNIT_PLACES - aZeros);
  if (aZeros + bZeros < UNIT_PLACES) return Number.NaN;
  const aStripped = a / (POWERS_OF_TEN[aZeros] as number);
  const bStripped = b / (POWERS_OF_TEN[bZeros] as number);
  return safeUnits(aStripped * bStripped);
}

/** 10^0 … 10^UNIT_PLACES, exact doubles. */
const POWERS_OF_TEN = Array.from({ length: UNIT_PLACES + 1 }, (_, k) => Number(`1e${k}`));

/**
 * How many of value's trailing decimal digits are zeros, at most `most` (value a non-zero integer): tested in
 * halving strides (8, 4, 2, 1) rather than digit by digit, as float remainders cost a library call each.
 */
function trailingZeros(value: number, most: number): number {
  let zeros = 0;
  for (let stride = 8; stride >= 1; stride >>= 1) {
    if (zeros + stride <= most && value % (POWERS_OF_TEN[zeros + stride] as number) === 0) zeros += stride;
  }
  return zeros;
}

/**
 * ⌊a / d⌋ for safe counts a ≥ 0 and d > 0; NaN otherwise. Exact without a remainder correction: when a/d is not a
 * whole number its fractional part is at least 1/d from the nearest integers, and the division's rounding error
 * (at most a/d × 2^-53) is below 1/d for a < 2^53, so the rounded quotient stays between the same two integers.
 */
export function floorDivUnits(a: number, d: number): number {
  return a >= 0 && d > 0 && Number.isSafeInteger(a) && Number.isSafeInteger(d) ? Math.floor(a / d) : Number.NaN;
}

/** ⌈a / d⌉ for safe counts a ≥ 0 and d > 0; NaN otherwise (as floorDivUnits). */
export function ceilDivUnits(a: number, d: number): number {
  return a >= 0 && d > 0 && Number.isSafeInteger(a) && Number.isSafeInteger(d) ? Math.ceil(a / d) : Number.NaN;
}

/** A Decimal as numerator / 10^places with the fewest places, both safe numbers; NaN parts when it cannot be. */
export interface DecimalFraction {
  readonly numerator: number;
  readonly denominator: number;
}

export function decimalAsFraction(value: Decimal): DecimalFraction {
  for (let places = 0; places <= DECIMAL_PLACES; places++) {
    const unitsPerStep = 10n ** BigInt(DECIMAL_PLACES - places);
    if (value % unitsPerStep !== 0n) continue;
    const numerator = value / unitsPerStep;
    if (numerator > MAX_SAFE_UNITS_BIGINT || numerator < -MAX_SAFE_UNITS_BIGINT) break;
    return { numerator: Number(numerator), denominator: Number(`1e${places}`) };
  }
  return { numerator: Number.NaN, denominator: Number.NaN };
}
