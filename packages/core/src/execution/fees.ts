import { DECIMAL_SCALE, type Decimal, decimalFromUnits } from '../money/decimal.ts';
import { divideRounded } from '../money/rounding.ts';
import { requirePositiveStep } from '../money/step.ts';

/**
 * feeRate × notional, rounded UP to feeStepQuote: the backtest never books a fee smaller than the venue could
 * charge. Rounding up to the 10^-18 scale first and then up to the coarser fee step is the same as one ceiling
 * (⌈⌈a / m⌉ / n⌉ = ⌈a / mn⌉ for integers), so it is computed with one division.
 */
export function feeQuoteFor(notionalQuote: Decimal, feeRate: Decimal, feeStepQuote: Decimal): Decimal {
  requirePositiveStep(feeStepQuote);
  const feeSteps = divideRounded(notionalQuote * feeRate, DECIMAL_SCALE * feeStepQuote, 'ceiling');
  return decimalFromUnits(feeSteps * feeStepQuote);
}
