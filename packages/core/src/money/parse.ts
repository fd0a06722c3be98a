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
  if (shift >= 0) return decimalFromUnits(signedDigits * 10n ** BigInt(shift));
  return decimalFromUnits(divideRounded(signedDigits, 10n ** BigInt(-shift), rounding));
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
  return decimalFromString(String(value), rounding);
}

/** A decimal from any of the forms values arrive in: text, a JS number (see decimalFromNumber) or a Decimal. */
export function toDecimal(value: Decimal | number | string): Decimal {
  if (typeof value === 'bigint') return value;
  return typeof value === 'number' ? decimalFromNumber(value) : decimalFromString(value);
}
