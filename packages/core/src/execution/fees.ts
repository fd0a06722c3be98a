import { mulDecimal } from '../money/arithmetic.ts';
import type { Decimal } from '../money/decimal.ts';
import { roundToStep } from '../money/step.ts';

/**
 * feeRate × notional, rounded UP to feeStepQuote: the backtest never books a fee smaller than the venue could
 * charge. (Rounding up to the 10^-18 scale first and then up to the coarser fee step is the same as one ceiling.)
 */
export function feeQuoteFor(notionalQuote: Decimal, feeRate: Decimal, feeStepQuote: Decimal): Decimal {
  return roundToStep(mulDecimal(notionalQuote, feeRate, 'ceiling'), feeStepQuote, 'ceiling');
}
