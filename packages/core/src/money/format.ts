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
 * The nearest JS number (correctly rounded: JS parses decimal text to the nearest double). Exact whenever the
 * value has at most 15 significant digits.
 */
export function decimalToNumber(value: Decimal): number {
  return Number(formatDecimal(value));
}

/**
 * The JS number that stands for exactly `value` (its shortest text spells `value`), for values that must cross
 * a number-typed boundary (a Fill) without changing. Throws DecimalError 'not-representable' otherwise, e.g.
 * 12345678.123456789 (17 significant digits): a coarser lot or tick is the fix.
 */
export function decimalToExactNumber(value: Decimal, what: string): number {
  const asNumber = decimalToNumber(value);
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
