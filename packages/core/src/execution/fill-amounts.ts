/**
 * The paper broker's exact amounts of one fill, reused for every fill: set either as Decimals (the bigint path) or
 * as units (money/safe-units.ts; the notional in two words, money/wide-units.ts: the fast path). Set as units, the
 * Decimals are built only if a listener reads them: the backtest's ledger, booking in units too, never does. The amounts are own enumerable getters, so a
 * listener may also copy them with a spread.
 */
import type { Decimal } from '../money/decimal.ts';
import { unitsToDecimal } from '../money/safe-units.ts';
import { WIDE_ZERO, type WideUnits, wideToDecimal } from '../money/wide-units.ts';
import type { ExactFillAmounts, FillAmountsInUnits } from './types.ts';

export interface ReusedFillAmounts extends ExactFillAmounts {
  setDecimals(qtyBase: Decimal, priceQuote: Decimal, feeQuote: Decimal, notionalQuote: Decimal): void;
  setUnits(qtyBase: number, priceQuote: number, feeQuote: number, notionalQuote: WideUnits): void;
}

export function reusedFillAmounts(): ReusedFillAmounts {
  const inUnits: FillAmountsInUnits = { qtyBase: 0, priceQuote: 0, feeQuote: 0, notionalQuote: WIDE_ZERO };
  let qty: Decimal | null = null;
  let price: Decimal | null = null;
  let fee: Decimal | null = null;
  let notional: Decimal | null = null;
  return {
    units: null,
    setDecimals(qtyBase, priceQuote, feeQuote, notionalQuote) {
      this.units = null;
      qty = qtyBase;
      price = priceQuote;
      fee = feeQuote;
      notional = notionalQuote;
    },
    setUnits(qtyBase, priceQuote, feeQuote, notionalQuote) {
      inUnits.qtyBase = qtyBase;
      inUnits.priceQuote = priceQuote;
      inUnits.feeQuote = feeQuote;
      inUnits.notionalQuote = notionalQuote;
      this.units = inUnits;
      qty = null;
      price = null;
      fee = null;
      notional = null;
    },
    get qtyBase() {
      qty ??= unitsToDecimal(inUnits.qtyBase);
      return qty;
    },
    get priceQuote() {
      price ??= unitsToDecimal(inUnits.priceQuote);
      return price;
    },
    get feeQuote() {
      fee ??= unitsToDecimal(inUnits.feeQuote);
      return fee;
    },
    get notionalQuote() {
      notional ??= wideToDecimal(inUnits.notionalQuote);
      return notional;
    },
  };
}
