/**
 * Input checks, the risk stage's first rule: it judges only numbers it can trust. A NaN or infinite price, a
 * negative equity, cash or position (spot is long-only), an order with no size or two, or a symbol outside the
 * session is a RiskInputError naming the field — the stage fails closed and never approves such an order.
 */
import type { OrderRequest } from '../execution/types.ts';
import { RiskInputError } from './errors.ts';
import type { PortfolioView } from './types.ts';

/** Equity and cash must be finite and ≥ 0. */
export function checkAccount(portfolio: PortfolioView): void {
  const { equityQuote, cashQuote } = portfolio;
  if (!(Number.isFinite(equityQuote) && equityQuote >= 0)) {
    throw new RiskInputError('portfolio.equityQuote', `must be a finite number ≥ 0, got ${equityQuote}`);
  }
  if (!(Number.isFinite(cashQuote) && cashQuote >= 0)) {
    throw new RiskInputError('portfolio.cashQuote', `must be a finite number ≥ 0, got ${cashQuote}`);
  }
}

/** A mark the stage prices with: positive and finite. */
export function checkMark(symbol: string, priceQuote: number): number {
  if (!(Number.isFinite(priceQuote) && priceQuote > 0)) {
    throw new RiskInputError(`markPrice(${symbol})`, `must be a positive finite price, got ${priceQuote}`);
  }
  return priceQuote;
}

/** An intent a venue would take: buy or sell, exactly one size, every size and price positive and finite. */
export function checkIntent(intent: OrderRequest): void {
  if (intent.side !== 'buy' && intent.side !== 'sell') {
    throw new RiskInputError('intent.side', `must be buy or sell, got ${intent.side}`);
  }
  const sizes = (intent.qtyBase === undefined ? 0 : 1) + (intent.quoteQty === undefined ? 0 : 1);
  if (sizes !== 1) throw new RiskInputError('intent', 'set exactly one of qtyBase and quoteQty');
  for (const field of ['qtyBase', 'quoteQty', 'limitPrice', 'stopPrice'] as const) {
    const value = intent[field];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new RiskInputError(`intent.${field}`, `must be a positive finite number, got ${value}`);
    }
  }
}

/**
 * Reads every symbol's position into `heldQty` and its exposure (position value at the mark + `pendingQuote`)
 * into `values`; returns the total position value. Checks each position and, for held ones, the mark.
 */
export function readPositions(
  symbols: readonly string[],
  portfolio: PortfolioView,
  pendingQuote: Float64Array,
  heldQty: Float64Array,
  values: Float64Array,
): number {
  let held = 0;
  for (let i = 0; i < symbols.length; i++) {
    const symbol = symbols[i] as string;
    const qty = portfolio.positionQtyBase(symbol);
    if (!(qty >= 0)) {
      throw new RiskInputError(`positionQtyBase(${symbol})`, `must be ≥ 0 (spot, long-only), got ${qty}`);
    }
    const value = qty > 0 ? qty * checkMark(symbol, portfolio.markPrice(symbol)) : 0;
    heldQty[i] = qty;
    values[i] = value + (pendingQuote[i] as number);
    held += value;
  }
  return held;
}
