/**
 * How much base a quote budget buys once the fee is paid, on the lot grid. Used for quoteQty market buys
 * (Binance's quoteOrderQty: fees included) and to keep a buy within the cash the account actually has.
 */
import { addDecimal, mulDecimal } from '../money/arithmetic.ts';
import { DECIMAL_SCALE, DECIMAL_ZERO, type Decimal, decimalFromUnits } from '../money/decimal.ts';
import { safeUnits, unitsFromDecimal } from '../money/safe-units.ts';
import {
  compareWide,
  floorDivWide,
  isWideExact,
  mulUnitsWide,
  scaledDivWide,
  subWide,
  WIDE_NOT_EXACT,
  type WideUnits,
  wideFromUnits,
} from '../money/wide-units.ts';
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
  /** The same constants for amounts in units of 10^-10 (money/safe-units.ts); NaN where they have none. */
  readonly inUnits: BuyCostConstantsInUnits;
}

/**
 * With feeRate = n / d (fees.ts FeeScheduleInUnits) and the fee step s in units, largestAffordableNotional's
 * crossing point is ⌊budget × n / (s × (d + n))⌋ and a fee of k steps covers notionals up to k × s × d / n units.
 */
interface BuyCostConstantsInUnits {
  /** s × (d + n). */
  readonly crossingDivisor: number;
  /** s × d / n when whole (else NaN: that bound would need more than 10 places). */
  readonly coveredPerStep: number;
  readonly lotUnits: number;
}

/** BuyCostRules with their derived constants, for a caller that sizes many buys on one market (the broker). */
export function buyCostRules(feeRate: Decimal, lotStepBase: Decimal, feeStepQuote: Decimal): BuyCostRules {
  return { feeRate, lotStepBase, feeStepQuote, derived: buyCostConstants(feeRate, feeStepQuote, lotStepBase) };
}

/** Throws DecimalError 'invalid-step' when feeStepQuote ≤ 0. */
function buyCostConstants(feeRate: Decimal, feeStepQuote: Decimal, lotStepBase: Decimal): BuyCostConstants {
  const fees = feeSchedule(feeRate, feeStepQuote);
  const { rateNumerator, rateDenominator, feeDivisor, feeStepUnits } = fees.inUnits;
  return {
    fees,
    crossingDivisor: feeStepQuote * (DECIMAL_SCALE + feeRate),
    inUnits: {
      crossingDivisor: safeUnits(feeStepUnits * safeUnits(rateDenominator + rateNumerator)),
      coveredPerStep: feeDivisor % rateNumerator === 0 ? feeDivisor / rateNumerator : Number.NaN,
      lotUnits: unitsFromDecimal(lotStepBase),
    },
  };
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
    rules.derived ?? buyCostConstants(rules.feeRate, rules.feeStepQuote, rules.lotStepBase),
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

/**
 * largestAffordableQtyBase with the budget and the price in units (money/safe-units.ts), for rules built by
 * buyCostRules: the same quantity in units, or NaN when an amount or intermediate is not exact in units.
 */
export function largestAffordableQtyUnits(budgetUnits: number, priceUnits: number, rules: BuyCostRules): number {
  return largestAffordableQtyWide(wideFromUnits(budgetUnits), priceUnits, rules);
}

/**
 * largestAffordableQtyBase with the budget in two words (money/wide-units.ts) and the price in units: the same
 * quantity in units, or NaN. The Decimal version's half-unit bound and tie rule only matter when a lot's notional
 * has more than 18 places; here it has at most 18 (or NaN), so n lots fit exactly when n × lotNotional ≤ the
 * affordable notional.
 */
export function largestAffordableQtyWide(budget: WideUnits, priceUnits: number, rules: BuyCostRules): number {
  const constants = rules.derived?.inUnits;
  if (constants === undefined || !isWideExact(budget) || Number.isNaN(priceUnits)) return Number.NaN;
  if (budget.units < 0 || (budget.units === 0 && budget.fine === 0) || priceUnits <= 0) return 0;
  const notional = largestAffordableNotionalWide(budget, rules.derived as BuyCostConstants);
  const lots = floorDivWide(notional, mulUnitsWide(constants.lotUnits, priceUnits));
  return safeUnits(lots * constants.lotUnits);
}

/** largestAffordableNotional in two words (see there for the derivation); not exact when an amount is not. */
function largestAffordableNotionalWide(budget: WideUnits, constants: BuyCostConstants): WideUnits {
  const { rateNumerator, feeStepUnits } = constants.fees.inUnits;
  if (rateNumerator === 0) return budget;
  const { crossingDivisor, coveredPerStep } = constants.inUnits;
  const stepsBelowCrossing = scaledDivWide(budget, rateNumerator, crossingDivisor, false);
  const coveredByFewerSteps = wideFromUnits(stepsBelowCrossing * coveredPerStep);
  const leftAfterMoreSteps = subWide(budget, wideFromUnits((stepsBelowCrossing + 1) * feeStepUnits));
  const order = compareWide(coveredByFewerSteps, leftAfterMoreSteps);
  if (Number.isNaN(order)) return WIDE_NOT_EXACT;
  return order > 0 ? coveredByFewerSteps : leftAfterMoreSteps;
}
