/**
 * From a decision's target exposure to an order intent. Long-only spot: the target position value is
 * targetExposure × equity, valued at the last close. Buys are market orders sized in quote (fees included, capped
 * by free cash), so "all in" spends exactly the cash whatever the next open is; sells are market orders in base,
 * the whole position when the target is flat, so no dust is left behind.
 */
import type { OrderRequest } from '../execution/types.ts';
import type { PortfolioView } from '../risk/types.ts';
import type { Decision } from '../strategy/types.ts';

export interface SizingOptions {
  /** Orders smaller than this (quote) are not worth sending; default 1e-8. */
  minNotionalQuote?: number;
}

const DEFAULT_MIN_NOTIONAL_QUOTE = 1e-8;

export function orderForDecision(
  decision: Decision,
  symbol: string,
  portfolio: PortfolioView,
  clientOrderId: string,
  options: SizingOptions = {},
): OrderRequest | null {
  const minNotional = options.minNotionalQuote ?? DEFAULT_MIN_NOTIONAL_QUOTE;
  const price = portfolio.markPrice(symbol);
  const heldQty = portfolio.positionQtyBase(symbol);
  const heldValue = heldQty * price;
  const target = Math.min(1, Math.max(0, decision.targetExposure));
  const targetValue = target * portfolio.equityQuote;
  const reason = decision.reason;
  if (decision.action === 'buy') {
    const spend = Math.min(portfolio.cashQuote, targetValue - heldValue);
    if (!(spend >= minNotional)) return null;
    return { clientOrderId, symbol, side: 'buy', type: 'market', quoteQty: spend, reason };
  }
  if (decision.action === 'sell') {
    if (!(heldQty > 0)) return null;
    const qtyBase = target === 0 ? heldQty : Math.min(heldQty, (heldValue - targetValue) / price);
    if (!(qtyBase * price >= minNotional)) return null;
    return { clientOrderId, symbol, side: 'sell', type: 'market', qtyBase, reason };
  }
  return null;
}
