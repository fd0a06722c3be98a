import { DECIMAL_PLACES, DECIMAL_SCALE, type Decimal } from './decimal.ts';
import { DecimalError } from './errors.ts';
import { decimalFromNumber } from './parse.ts';

/** Plain decimal text, no exponent, no trailing fraction zeros: "-12.5", "0.0000001", "42". */
export function formatDecimal(value: Decimal): string {
  const negative = value < 0n;
  const units = negative ? -value : value;
  const integerPart = (units / DECIMAL_SCALE).toString();
  const fractionPart = (units % DECIMAL_SCALE).toString().padStart(DECIMAL_PLACES, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${integerPart}${fractionPart === '' ? '' : `.${fractionPart}`}`;
}

/**
 * The nearest JS number (correctly rounded, as Number(formatDecimal(value)) would be, without building the text).
 * Exact whenever the value has at most 15 significant digits.
 */
export function decimalToNumber(value: Decimal): number {
  return fewPlacesToNumber(value) ?? nearestNumber(value);
}

/**
 * The number that spells `value` exactly, when it is a whole number of 10^-10 or 10^-8 with at most 15
 * significant digits (prices, lots, fees and most amounts made of them); undefined otherwise. No text is built.
 */
export function decimalToShortNumber(value: Decimal): number | undefined {
  return fewPlacesToNumber(value);
}

/**
 * Grids a value is tried on before the general conversion, as (units of 10^-18 per step, the same as a number,
 * steps per 1). Prices, lots and fees on exchange grids rarely go below 10^-8; a lot × a price with two decimals
 * (BTC, ETH) and the cash those fills leave are whole numbers of 10^-10.
 */
const EIGHT_PLACES = grid(8);
const TEN_PLACES = grid(10);
/** 15 significant digits: below this many steps the number's shortest text is the decimal itself (DBL_DIG). */
const MAX_SHORT_STEPS = 1e15;

interface Grid {
  readonly unitsPerStep: bigint;
  readonly unitsPerStepAsNumber: number;
  readonly stepsPerOne: number;
}

function grid(places: number): Grid {
  return {
    unitsPerStep: 10n ** BigInt(DECIMAL_PLACES - places),
    // Parsed from text, so each power of ten is the exact double (all are, to 10^22).
    unitsPerStepAsNumber: Number(`1e${DECIMAL_PLACES - places}`),
    stepsPerOne: Number(`1e${places}`),
  };
}

/** The nearest number to a value with at most 10 (or else 8) decimals and fewer than 10^15 steps, or undefined. */
function fewPlacesToNumber(value: Decimal): number | undefined {
  return onGridToNumber(value, TEN_PLACES) ?? onGridToNumber(value, EIGHT_PLACES);
}

/**
 * The nearest number to a value that is a whole number of the grid's steps, fewer than 10^15 of them, or
 * undefined. The step count is recovered exactly in floating point (two roundings of 2^-53 each leave it within
 * 1/4 of an integer below 2^50), and count / steps-per-1 divides two exact doubles (10^k is exact to k = 22), which
 * IEEE rounds correctly (Clinger's fast path). At most 15 significant digits also make the result exact: it reads
 * back as the same decimal.
 */
function onGridToNumber(value: Decimal, { unitsPerStep, unitsPerStepAsNumber, stepsPerOne }: Grid): number | undefined {
  if (value % unitsPerStep !== 0n) return undefined;
  const steps = Math.round(Number(value) / unitsPerStepAsNumber);
  if (Math.abs(steps) >= MAX_SHORT_STEPS) return undefined;
  return steps / stepsPerOne;
}

/**
 * value / 10^18 correctly rounded, for any value. Number(bigint) rounds correctly, so the work is making the
 * quotient an integer without losing which way it rounds: scaled up by 2^128, the quotient has at least 68 bits
 * (value ≥ 1 unit), far more than a double's 53; a remainder is recorded by setting the quotient's lowest bit (a
 * sticky bit, as in IEEE hardware): the halfway points between doubles are even integers at that size, so the odd
 * quotient lies on the same side of each of them as the exact quotient did. Scaling back by 2^-128 is exact.
 * Magnitudes of 2^115 units or more leave 55 bits without the shift, which keeps huge values from overflowing
 * before they are scaled back.
 */
export function nearestNumber(value: Decimal): number {
  const magnitude = value < 0n ? -value : value;
  const shift = magnitude < UNSHIFTED_FROM ? BINARY_SHIFT : 0n;
  const scaled = magnitude << shift;
  const quotient = scaled / DECIMAL_SCALE;
  const sticky = quotient * DECIMAL_SCALE === scaled ? quotient : quotient | 1n;
  const nearest = Number(sticky) * (shift === 0n ? 1 : INVERSE_BINARY_SCALE);
  return value < 0n ? -nearest : nearest;
}

const BINARY_SHIFT = 128n;
/** 2^-128, exact (a power of two). */
const INVERSE_BINARY_SCALE = 1 / Number(1n << BINARY_SHIFT);
/** From here on value / 10^18 has at least 55 bits (2^115 / 10^18 > 2^55) without scaling. */
const UNSHIFTED_FROM = 1n << 115n;

/**
 * The JS number that stands for exactly `value` (its shortest text spells `value`), for values that must cross
 * a number-typed boundary (a Fill) without changing. Throws DecimalError 'not-representable' otherwise, e.g.
 * 12345678.123456789 (17 significant digits): a coarser lot or tick is the fix.
 */
export function decimalToExactNumber(value: Decimal, what: string): number {
  const short = fewPlacesToNumber(value);
  if (short !== undefined) return short;
  const asNumber = nearestNumber(value);
  if (decimalFromNumber(asNumber) !== value) {
    const text = formatDecimal(value);
    throw new DecimalError(
      'not-representable',
      text,
      `${what} ${text} has too many significant digits to travel as a JS number (15 are always safe)`,
    );
  }
  return asNumber;
}
