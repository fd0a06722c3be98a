/**
 * Exact arithmetic on Decimals. Sums and differences are always exact; a product or quotient that needs more
 * than 18 decimals is rounded once, by the mode the caller names (half-even unless said otherwise).
 */
import { DECIMAL_SCALE, type Decimal, decimalFromUnits } from './decimal.ts';
import { DecimalError } from './errors.ts';
import { formatDecimal } from './format.ts';
import { DEFAULT_ROUNDING, divideRounded, type RoundingMode } from './rounding.ts';

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  return decimalFromUnits(a + b);
}

export function subDecimal(a: Decimal, b: Decimal): Decimal {
  return decimalFromUnits(a - b);
}

export function negateDecimal(value: Decimal): Decimal {
  return decimalFromUnits(-value);
}

export function mulDecimal(a: Decimal, b: Decimal, rounding: RoundingMode = DEFAULT_ROUNDING): Decimal {
  return decimalFromUnits(divideRounded(a * b, DECIMAL_SCALE, rounding));
}

/** a / b; throws DecimalError 'division-by-zero' when b is 0. */
export function divDecimal(a: Decimal, b: Decimal, rounding: RoundingMode = DEFAULT_ROUNDING): Decimal {
  if (b === 0n) {
    throw new DecimalError('division-by-zero', formatDecimal(a), `cannot divide ${formatDecimal(a)} by zero`);
  }
  return decimalFromUnits(divideRounded(a * DECIMAL_SCALE, b, rounding));
}

/**
 * a × b / c with a single rounding (instead of one per operation): pro-rata shares such as the cost basis of
 * part of a position. Throws DecimalError 'division-by-zero' when c is 0.
 */
export function mulDivDecimal(a: Decimal, b: Decimal, c: Decimal, rounding: RoundingMode = DEFAULT_ROUNDING): Decimal {
  if (c === 0n) {
    throw new DecimalError('division-by-zero', formatDecimal(a), `cannot divide ${formatDecimal(a)} × … by zero`);
  }
  return decimalFromUnits(divideRounded(a * b, c, rounding));
}
