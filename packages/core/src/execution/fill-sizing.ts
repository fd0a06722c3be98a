/**
 * How much base a quote budget buys once the fee is paid, on the lot grid. Used for quoteQty market buys
 * (Binance's quoteOrderQty: fees included) and to keep a buy within the cash the account actually has.
 */
import { addDecimal, mulDecimal } from '../money/arithmetic.ts';
import { DECIMAL_SCALE, DECIMAL_ZERO, type Decimal, decimalFromUnits } from '../money/decimal.ts';
import { type FeeSchedule, feeSchedule, scheduledFeeQuote } from './fees.ts';

export interface BuyCostRules {
  /** ≥ 0 (the broker refuses negative rates). */
  feeRate: Decimal;
  lotStepBase: Decimal;
  feeStepQuote: Decimal;
  /** Constants derived from the three above (buyCostRules builds them once per market); derived per call if absent. */
  readonly derived?: BuyCostConstants;
}

interface BuyCostConstants {
  readonly fees: FeeSchedule;
  /** feeStepQuote × (10^18 + feeRate): the divisor of largestAffordableNotional's crossing point. */
  readonly crossingDivisor: bigint;
}

/** BuyCostRules with their derived constants, for a caller that sizes many buys on one market (the broker). */
export function buyCostRules(feeRate: Decimal, lotStepBase: Decimal, feeStepQuote: Decimal): BuyCostRules {
  return { feeRate, lotStepBase, feeStepQuote, derived: buyCostConstants(feeRate, feeStepQuote) };
}

/** Throws DecimalError 'invalid-step' when feeStepQuote ≤ 0. */
function buyCostConstants(feeRate: Decimal, feeStepQuote: Decimal): BuyCostConstants {
  return { fees: feeSchedule(feeRate, feeStepQuote), crossingDivisor: feeStepQuote * (DECIMAL_SCALE + feeRate) };
}

/** notional + fee of buying qtyBase at priceQuote, exactly as the ledger will book it. */
export function buyCostQuote(qtyBase: Decimal, priceQuote: Decimal, rules: BuyCostRules): Decimal {
  const notionalQuote = mulDecimal(qtyBase, priceQuote);
  const fees = rules.derived?.fees ?? feeSchedule(rules.feeRate, rules.feeStepQuote);
  return addDecimal(notionalQuote, scheduledFeeQuote(notionalQuote, fees));
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
  const notionalQuote = largestAffordableNotional(
    budgetQuote,
    rules,
    rules.derived ?? buyCostConstants(rules.feeRate, rules.feeStepQuote),
  );
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
function largestAffordableNotional(budgetQuote: Decimal, rules: BuyCostRules, constants: BuyCostConstants): bigint {
  const rate = rules.feeRate;
  const step = rules.feeStepQuote;
  if (rate === 0n) return budgetQuote;
  const stepsBelowCrossing = (budgetQuote * rate) / constants.crossingDivisor;
  const coveredByFewerSteps = (stepsBelowCrossing * constants.fees.unitsPerStep) / rate;
  const leftAfterMoreSteps = budgetQuote - (stepsBelowCrossing + 1n) * step;
  return coveredByFewerSteps > leftAfterMoreSteps ? coveredByFewerSteps : leftAfterMoreSteps;
}
