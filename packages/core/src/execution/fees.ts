import { DECIMAL_SCALE, type Decimal, decimalFromUnits } from '../money/decimal.ts';
import { divideRounded } from '../money/rounding.ts';
import { decimalAsFraction, safeUnits, unitsFromDecimal } from '../money/safe-units.ts';
import { requirePositiveStep } from '../money/step.ts';
import { scaledDivWide, type WideUnits, wideFromUnits } from '../money/wide-units.ts';

/**
 * A fee rate and step, with the divisor feeQuoteFor needs derived once (per market) rather than per fill.
 * Build it with feeSchedule, which checks the step.
 */
export interface FeeSchedule {
  readonly feeRate: Decimal;
  readonly feeStepQuote: Decimal;
  /** 10^18 × feeStepQuote: a fee in units of 10^-36 per fee step. */
  readonly unitsPerStep: bigint;
  readonly unitsPerStepLessOne: bigint;
  /** The same schedule for amounts in units of 10^-10 (money/safe-units.ts); NaN parts when it has none. */
  readonly inUnits: FeeScheduleInUnits;
}

/**
 * feeRate = rateNumerator / rateDenominator (fewest decimal places), and the fee step in units: a fee in units is
 * then ⌈notional × rateNumerator / feeDivisor⌉ × feeStepUnits, with feeDivisor = rateDenominator × feeStepUnits.
 */
export interface FeeScheduleInUnits {
  readonly rateNumerator: number;
  readonly rateDenominator: number;
  readonly feeDivisor: number;
  readonly feeStepUnits: number;
}

/** Throws DecimalError 'invalid-step' when feeStepQuote ≤ 0. */
export function feeSchedule(feeRate: Decimal, feeStepQuote: Decimal): FeeSchedule {
  requirePositiveStep(feeStepQuote);
  const unitsPerStep = DECIMAL_SCALE * feeStepQuote;
  return {
    feeRate,
    feeStepQuote,
    unitsPerStep,
    unitsPerStepLessOne: unitsPerStep - 1n,
    inUnits: feeScheduleInUnits(feeRate, feeStepQuote),
  };
}

function feeScheduleInUnits(feeRate: Decimal, feeStepQuote: Decimal): FeeScheduleInUnits {
  const rate = decimalAsFraction(feeRate);
  const feeStepUnits = unitsFromDecimal(feeStepQuote);
  return {
    rateNumerator: rate.numerator,
    rateDenominator: rate.denominator,
    feeDivisor: safeUnits(rate.denominator * feeStepUnits),
    feeStepUnits,
  };
}

/**
 * feeRate × notional, rounded UP to feeStepQuote: the backtest never books a fee smaller than the venue could
 * charge. Rounding up to the 10^-18 scale first and then up to the coarser fee step is the same as one ceiling
 * (⌈⌈a / m⌉ / n⌉ = ⌈a / mn⌉ for integers), so it is computed with one division.
 */
export function feeQuoteFor(notionalQuote: Decimal, feeRate: Decimal, feeStepQuote: Decimal): Decimal {
  return scheduledFeeQuote(notionalQuote, feeSchedule(feeRate, feeStepQuote));
}

/** feeQuoteFor with the schedule's constants (the broker's per-fill path). */
export function scheduledFeeQuote(notionalQuote: Decimal, schedule: FeeSchedule): Decimal {
  const fee = notionalQuote * schedule.feeRate;
  // ⌈a / d⌉ = ⌊(a + d − 1) / d⌋ for a ≥ 0: one bigint division where divideRounded takes a quotient and a remainder.
  const feeSteps =
    fee >= 0n
      ? (fee + schedule.unitsPerStepLessOne) / schedule.unitsPerStep
      : divideRounded(fee, schedule.unitsPerStep, 'ceiling');
  return decimalFromUnits(feeSteps * schedule.feeStepQuote);
}

/**
 * scheduledFeeQuote for a notional in units (≥ 0): the same fee in units, or NaN when an amount or intermediate is
 * not exact in units (the caller then takes the Decimal path).
 */
export function scheduledFeeUnits(notionalUnits: number, schedule: FeeSchedule): number {
  return scheduledFeeWide(wideFromUnits(notionalUnits), schedule);
}

/**
 * scheduledFeeQuote for a notional in two words (money/wide-units.ts, ≥ 0): the same fee in units, or NaN. fee =
 * ⌈notional × rate / step⌉ steps, with notional = N / 10^10 (N fractional here), rate = n / d and step = s / 10^10:
 * ⌈N × n / (d × s)⌉ steps of s units.
 */
export function scheduledFeeWide(notional: WideUnits, schedule: FeeSchedule): number {
  const { rateNumerator, feeDivisor, feeStepUnits } = schedule.inUnits;
  return safeUnits(scaledDivWide(notional, rateNumerator, feeDivisor, true) * feeStepUnits);
}
