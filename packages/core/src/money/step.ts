import { type Decimal, decimalFromUnits } from './decimal.ts';
import { DecimalError } from './errors.ts';
import { formatDecimal } from './format.ts';
import { DEFAULT_ROUNDING, divideRounded, type RoundingMode } from './rounding.ts';

/**
 * `value` as a whole number of `step`s (a price tick, a lot, a fee precision), rounded by `rounding`.
 * Callers choose the direction that never favours the trader: quantities `down` to the lot, fees `up`.
 * Throws DecimalError 'invalid-step' when step ≤ 0.
 */
export function roundToStep(value: Decimal, step: Decimal, rounding: RoundingMode = DEFAULT_ROUNDING): Decimal {
  return decimalFromUnits(stepsIn(value, step, rounding) * step);
}

/** How many whole `step`s `value` holds, rounded by `rounding` (a count, not a Decimal). */
export function stepsIn(value: Decimal, step: Decimal, rounding: RoundingMode = DEFAULT_ROUNDING): bigint {
  requirePositiveStep(step);
  return divideRounded(value, step, rounding);
}

/** Throws DecimalError 'invalid-step' when step ≤ 0. */
export function requirePositiveStep(step: Decimal): void {
  if (step <= 0n) {
    throw new DecimalError('invalid-step', formatDecimal(step), `step must be positive, got ${formatDecimal(step)}`);
  }
}

/** True when `value` is a whole number of `step`s (a price on the tick, a quantity on the lot). */
export function isOnStep(value: Decimal, step: Decimal): boolean {
  return stepsIn(value, step, 'down') * step === value;
}
