/**
 * The execution stage's vocabulary, shared by the paper broker, the live broker (worker) and the backtester.
 * Prices and quantities travel as numbers holding decimal values already rounded to the market's tick and lot
 * (so their shortest decimal form is exact); the ledger turns them into exact decimals before any balance moves.
 */
import type { Decimal } from '../money/decimal.ts';
import type { WideUnits } from '../money/wide-units.ts';

export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit' | 'stop';

export interface OrderRequest {
  /** Deterministic and unique per order: the idempotency key with the venue. */
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  /** Size in base units. Exactly one of qtyBase and quoteQty is set. */
  qtyBase?: number;
  /** Market buys only: spend this much quote currency, fees included (Binance's quoteOrderQty). */
  quoteQty?: number;
  /** Limit orders: the worst acceptable price. */
  limitPrice?: number;
  /** Stop orders: a market order triggered when the price trades through this level. */
  stopPrice?: number;
  /** Why the order exists, for the audit trail. */
  reason: string;
}

export type Liquidity = 'maker' | 'taker';

export interface Fill {
  clientOrderId: string;
  symbol: string;
  side: Side;
  /** Open time of the candle the fill happened in (ms UTC). */
  time: number;
  priceQuote: number;
  qtyBase: number;
  feeQuote: number;
  liquidity: Liquidity;
}

/**
 * A fill's amounts as exact decimals, as the paper broker computed them: its Fill's numbers spell exactly these,
 * and notionalQuote is qtyBase × priceQuote rounded half-even at the ledger scale (what the ledger books).
 */
export interface ExactFillAmounts {
  qtyBase: Decimal;
  priceQuote: Decimal;
  feeQuote: Decimal;
  notionalQuote: Decimal;
  /**
   * The same four amounts as counts of 10^-10 in numbers (money/safe-units.ts; the notional in two words, as
   * money/wide-units.ts), when the broker computed them so:
   * a ledger keeping its books in units books them without a bigint. Absent or null otherwise.
   */
  units?: Readonly<FillAmountsInUnits> | null;
}

export interface FillAmountsInUnits {
  qtyBase: number;
  priceQuote: number;
  feeQuote: number;
  /** qtyBase × priceQuote has up to 18 places: in two words (money/wide-units.ts). */
  notionalQuote: WideUnits;
}

export type OrderStatus = 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';

export interface OrderState {
  request: OrderRequest;
  /** Decision time: only candles opening at or after it may fill the order. */
  submittedAt: number;
  status: OrderStatus;
  filledQtyBase: number;
  /** Quote spent so far, for quoteQty orders. */
  filledQuote: number;
  rejectReason?: string;
}
