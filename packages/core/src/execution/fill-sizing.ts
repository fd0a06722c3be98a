/**
 * How much base a quote budget buys once the fee is paid, on the lot grid. Used for quoteQty market buys
 * (Binance's quoteOrderQty: fees included) and to keep a buy within the cash the account actually has.
 */
import { addDecimal, mulDecimal } from '../money/arithmetic.ts';
import { DECIMAL_SCALE, DECIMAL_ZERO, type Decimal, decimalFromUnits } from '../money/decimal.ts';
import { requirePositiveStep } from '../money/step.ts';
import { feeQuoteFor } from './fees.ts';

export interface BuyCostRules {
  /** ≥ 0 (the broker refuses negative rates). */
  feeRate: Decimal;
  lotStepBase: Decimal;
  feeStepQuote: Decimal;
}

/** notional + fee of buying qtyBase at priceQuote, exactly as the ledger will book it. */
export function buyCostQuote(qtyBase: Decimal, priceQuote: Decimal, rules: BuyCostRules): Decimal {
  const notionalQuote = mulDecimal(qtyBase, priceQuote);
  return addDecimal(notionalQuote, feeQuoteFor(notionalQuote, rules.feeRate, rules.feeStepQuote));
}

/** Half a unit of 10^-18, counted in units of 10^-36 (the scale of a quantity × price product). */
const HALF_UNIT_AT_PRODUCT_SCALE = DECIMAL_SCALE / 2n;

/**
 * The largest whole number of lots whose cost (buyCostQuote: notional + fee, fee rounded up) is within
 * budgetQuote; 0 when not even one lot fits. Computed directly, in two exact steps, rather than searched: cost
 * grows with the notional, and the notional with the quantity, so the answer is the most lots whose notional is
 * at most the largest notional the budget pays for (largestAffordableNotional).
 */
export function largestAffordableQtyBase(budgetQuote: Decimal, priceQuote: Decimal, rules: BuyCostRules): Decimal {
  if (budgetQuote <= 0n || priceQuote <= 0n) return DECIMAL_ZERO;
  requirePositiveStep(rules.feeStepQuote);
  const notionalQuote = largestAffordableNotional(budgetQuote, rules);
  // n lots book notional halfEven(n × lotNotional / 10^18) (units of 10^-36 rounded to 10^-18), which is at most
  // N exactly when n × lotNotional < (N + ½) × 10^18, or equals it and N is even (a tie rounds to even).
  const lot = rules.lotStepBase;
  const lotNotional = lot * priceQuote;
  const limit = notionalQuote * DECIMAL_SCALE + HALF_UNIT_AT_PRODUCT_SCALE;
  let lots = limit / lotNotional;
  if (lots * lotNotional === limit && notionalQuote % 2n === 1n) lots -= 1n;
  return decimalFromUnits(lots * lot);
}

/**
 * The largest notional N (units of 10^-18) with N + fee(N) ≤ budget, where fee(N) = step × ⌈N × rate / (10^18 ×
 * step)⌉ is feeQuoteFor's. A fee of k steps covers notionals up to b(k) = ⌊k × 10^18 × step / rate⌋ and leaves
 * a(k) = budget − k × step to spend, so N is the best min(a(k), b(k)) over k. a falls and b rises with k; they
 * cross at k* = budget × rate / (step × (10^18 + rate)), so below k* the minimum is b and above it a, and the best
 * is b(⌊k*⌋) or a(⌊k*⌋ + 1).
 */
function largestAffordableNotional(budgetQuote: Decimal, rules: BuyCostRules): bigint {
  const rate = rules.feeRate;
  const step = rules.feeStepQuote;
  if (rate === 0n) return budgetQuote;
  const stepsBelowCrossing = (budgetQuote * rate) / (step * (DECIMAL_SCALE + rate));
  const coveredByFewerSteps = (stepsBelowCrossing * DECIMAL_SCALE * step) / rate;
  const leftAfterMoreSteps = budgetQuote - (stepsBelowCrossing + 1n) * step;
  return coveredByFewerSteps > leftAfterMoreSteps ? coveredByFewerSteps : leftAfterMoreSteps;
}
