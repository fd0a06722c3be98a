import { DECIMAL_PLACES, type Decimal, decimalFromUnits } from './decimal.ts';
import { DecimalError } from './errors.ts';
import { DEFAULT_ROUNDING, divideRounded, type RoundingMode } from './rounding.ts';

/** Sign, integer digits, fraction digits, exponent: `-12.5`, `.5`, `3.`, `1e-7`, `1.5E+21`. */
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Largest |exponent| accepted. Doubles span 5e-324 … 1.8e308, so this admits every JS number while refusing
 * `1e999999999`, which would otherwise allocate a billion-digit bigint.
 */
export const MAX_DECIMAL_EXPONENT = 1000;

/**
 * Parses decimal text exactly. Digits beyond DECIMAL_PLACES are rounded by `rounding` (half-even by default);
 * every value with at most 18 decimals is exact. Surrounding spaces, thousands separators, `NaN`, `Infinity`
 * and hex are refused with a DecimalError.
 */
export function decimalFromString(text: string, rounding: RoundingMode = DEFAULT_ROUNDING): Decimal {
  const match = DECIMAL_TEXT.exec(text);
  const integerDigits = match?.[2] ?? '';
  const fractionDigits = match?.[3] ?? '';
  if (match === null || integerDigits.length + fractionDigits.length === 0) {
    const kind = /^[+-]?(NaN|Infinity)$/.test(text) ? 'not-finite' : 'malformed';
    throw new DecimalError(kind, text, `"${text}" is not a decimal number (expected e.g. "-12.345" or "1e-7")`);
  }
  const exponent = match[4] === undefined ? 0 : Number(match[4]);
  if (Math.abs(exponent) > MAX_DECIMAL_EXPONENT) {
    throw new DecimalError(
      'exponent-out-of-range',
      text,
      `"${text}" has an exponent beyond ±${MAX_DECIMAL_EXPONENT}, outside any price or quantity`,
    );
  }
  const negative = match[1] === '-';
  const digits = BigInt(integerDigits + fractionDigits);
  const signedDigits = negative ? -digits : digits;
  // value = digits × 10^(exponent − fraction length); units = value × 10^DECIMAL_PLACES.
  const shift = exponent - fractionDigits.length + DECIMAL_PLACES;
  if (shift >= 0) return decimalFromUnits(signedDigits * powerOfTen(shift));
  return decimalFromUnits(divideRounded(signedDigits, powerOfTen(-shift), rounding));
}

/** 10^0 … 10^36 as bigints: the shifts of ordinary text, computed once rather than per parse. */
const SMALL_POWERS_OF_TEN = Array.from({ length: 2 * DECIMAL_PLACES + 1 }, (_, k) => 10n ** BigInt(k));

/** 10^exponent for exponent ≥ 0. */
function powerOfTen(exponent: number): bigint {
  return SMALL_POWERS_OF_TEN[exponent] ?? 10n ** BigInt(exponent);
}

/**
 * The decimal a JS number stands for: the one its shortest round-trip text spells (`String(0.1)` is "0.1", not
 * 0.1000000000000000055…), which is what a price or quantity received as a number meant. Exponent forms such as
 * 1e-7 are handled; -0 is 0. NaN and ±Infinity throw a DecimalError.
 */
export function decimalFromNumber(value: number, rounding: RoundingMode = DEFAULT_ROUNDING): Decimal {
  if (!Number.isFinite(value)) {
    throw new DecimalError('not-finite', String(value), `${value} is not a finite number and has no decimal value`);
  }
  return shortestDecimalWithFewDigits(value) ?? decimalFromString(String(value), rounding);
}

/** 10^k as doubles for k = 0…18, parsed from text so that each is exact (every power of ten to 10^22 is). */
const POWERS_OF_TEN_AS_NUMBERS = Array.from({ length: DECIMAL_PLACES + 1 }, (_, k) => Number(`1e${k}`));
/** Scaled values must stay below this for the fast path's argument to hold (see below). */
const FAST_PATH_LIMIT = 2 ** 52;
/** Below this, round() cannot miss the decimal of k places rounding to value (see below). */
const ROUNDING_SAFE_LIMIT = 2 ** 51;
/** Exchange grids (ticks, lots, fee steps) rarely go below 10^-8, so this many places usually fit: tried first. */
const USUAL_PLACES = 8;

/**
 * The decimal String(value) spells, without building the string, for the common case of a number with at most
 * 18 decimals whose digits read as an integer stay below 2^52 (any 15 do); undefined otherwise (the caller then
 * takes the string path).
 *
 * For k places it takes m = round(value × 10^k) and accepts it when |m| < 2^52 and m / 10^k === value: m and
 * 10^k are exact doubles and IEEE division rounds correctly, so the decimal m·10^-k rounds to value. It is the
 * decimal Number::toString picks (the fewest significant digits among those rounding to value), whichever k found
 * it: below 2^52, decimals with k places are more than an ulp of value apart, so no other one rounds to value;
 * the shortest decimal has no more than k places (the decimals rounding to value share its leading digit, or
 * include a power of ten, so fewer digits means fewer places), so padded to k places it is that one.
 * Trying k = 0, 1, … finds it: while |value × 10^k| < 2^51 the product's rounding error (2^-53 of it) plus the
 * decimal's distance from value (half an ulp, scaled) stay below 1/2, so round() cannot miss it; a miss past that
 * only sends the value to the string path.
 */
function shortestDecimalWithFewDigits(value: number): Decimal | undefined {
  const usual = decimalWithPlaces(value, USUAL_PLACES);
  if (usual !== undefined) return usual;
  // Below 2^51 at USUAL_PLACES the argument above holds there: no decimal with that many places or fewer rounds to
  // value, so the search goes on from one place more.
  const fewerPlacesRuledOut =
    Math.abs(value) * (POWERS_OF_TEN_AS_NUMBERS[USUAL_PLACES] as number) < ROUNDING_SAFE_LIMIT;
  for (let places = fewerPlacesRuledOut ? USUAL_PLACES + 1 : 0; places <= DECIMAL_PLACES; places++) {
    if (Math.abs(value) * (POWERS_OF_TEN_AS_NUMBERS[places] as number) >= FAST_PATH_LIMIT) return undefined;
    const decimal = decimalWithPlaces(value, places);
    if (decimal !== undefined) return decimal;
  }
  return undefined;
}

/** The decimal with `places` places that rounds to value, when the check above accepts it. */
function decimalWithPlaces(value: number, places: number): Decimal | undefined {
  const scale = POWERS_OF_TEN_AS_NUMBERS[places] as number;
  const scaled = Math.round(value * scale);
  if (Math.abs(scaled) >= FAST_PATH_LIMIT || scaled / scale !== value) return undefined;
  return decimalFromUnits(BigInt(scaled) * powerOfTen(DECIMAL_PLACES - places));
}

/** A decimal from any of the forms values arrive in: text, a JS number (see decimalFromNumber) or a Decimal. */
export function toDecimal(value: Decimal | number | string): Decimal {
  if (typeof value === 'bigint') return value;
  return typeof value === 'number' ? decimalFromNumber(value) : decimalFromString(value);
}
