/**
 * How much base a quote budget buys once the fee is paid, on the lot grid. Used for quoteQty market buys
 * (Binance's quoteOrderQty: fees included) and to keep a buy within the cash the account actually has.
 */
import { addDecimal, mulDecimal } from '../money/arithmetic.ts';
import { DECIMAL_SCALE, DECIMAL_ZERO, type Decimal, decimalFromUnits } from '../money/decimal.ts';
import { feeQuoteFor } from './fees.ts';

export interface BuyCostRules {
  feeRate: Decimal;
  lotStepBase: Decimal;
  feeStepQuote: Decimal;
}

/** notional + fee of buying qtyBase at priceQuote, exactly as the ledger will book it. */
export function buyCostQuote(qtyBase: Decimal, priceQuote: Decimal, rules: BuyCostRules): Decimal {
  const notionalQuote = mulDecimal(qtyBase, priceQuote);
  return addDecimal(notionalQuote, feeQuoteFor(notionalQuote, rules.feeRate, rules.feeStepQuote));
}

/**
 * The largest whole number of lots whose cost (notional + fee, fee rounded up) is within budgetQuote. Starts from
 * budget / (price × (1 + feeRate)) rounded DOWN to the lot, which is nearly always the answer; the roundings of
 * notional and fee can move the true answer a few lots either way, so it is confirmed by searching between a
 * quantity that fits and one that does not (cost grows with quantity). 0 when not even one lot fits.
 */
export function largestAffordableQtyBase(budgetQuote: Decimal, priceQuote: Decimal, rules: BuyCostRules): Decimal {
  if (budgetQuote <= 0n || priceQuote <= 0n) return DECIMAL_ZERO;
  const lot = rules.lotStepBase;
  const fits = (lots: bigint) => buyCostQuote(decimalFromUnits(lots * lot), priceQuote, rules) <= budgetQuote;
  // lots = budget / (price × (1 + rate) × lot) in units of 10^-18: one exact integer division.
  const estimate = (budgetQuote * DECIMAL_SCALE * DECIMAL_SCALE) / (priceQuote * (DECIMAL_SCALE + rules.feeRate) * lot);
  let fittingLots = 0n; // invariant: fits(fittingLots) && !fits(tooManyLots)
  let tooManyLots = estimate;
  if (fits(estimate)) {
    fittingLots = estimate;
    let stride = 1n;
    while (fits(fittingLots + stride)) {
      fittingLots += stride;
      stride *= 2n;
    }
    tooManyLots = fittingLots + stride;
  }
  while (tooManyLots - fittingLots > 1n) {
    const middle = (fittingLots + tooManyLots) / 2n;
    if (fits(middle)) fittingLots = middle;
    else tooManyLots = middle;
  }
  return decimalFromUnits(fittingLots * lot);
}
