/**
 * Whether and at what price an open order trades within one candle. Only the open is known to come first; the
 * path between high and low is unknown, so:
 * - Market orders trade at the open, slipped against the trader.
 * - Limit orders that are marketable when they first reach the market (a buy limit at or above the open) take
 *   liquidity: taker fee, the open slipped against the trader but never beyond the limit. Resting limit orders
 *   make liquidity: maker fee, filled when the candle touches the limit (low ≤ buy limit, high ≥ sell limit;
 *   an optimistic assumption a queue position may not honour, hence `limitFillRequiresTradeThrough`) at the
 *   limit, or at the open when the candle gaps through it (the better price, no slippage).
 * - Stop orders trigger when the candle trades through the stop (high ≥ buy stop, low ≤ sell stop) and become
 *   market orders: they fill at the stop, or at the open when it gapped beyond the stop, slipped against the
 *   trader; a triggered stop's remainder trades at later opens like a market order.
 * - Slippage cannot carry a price outside the candle: buys are capped at the high, sells floored at the low (a
 *   market can only trade at printed prices; slippage beyond the range is lost to the cap, not invented).
 * Candles are assumed sane (low ≤ open ≤ high) and, when the market has a tick, on it: a slipped price is rounded
 * to the tick before the cap, so the cap keeps it on the tick only if the high and low are.
 */
import { mulDecimal } from '../money/arithmetic.ts';
import { DECIMAL_ONE, type Decimal } from '../money/decimal.ts';
import { decimalToNumber } from '../money/format.ts';
import { decimalFromNumber } from '../money/parse.ts';
import { roundToStep } from '../money/step.ts';
import type { Liquidity, OrderType, Side } from './types.ts';

export interface MatchableOrder {
  readonly side: Side;
  readonly type: OrderType;
  /** NaN when the order has none. */
  readonly limitPriceQuote: number;
  readonly stopPriceQuote: number;
  /** A stop already triggered by an earlier candle (its remainder is a market order). */
  readonly stopTriggered: boolean;
}

export interface MatchingRules {
  /** 1 + slippage rate: what a buy's reference price is multiplied by. */
  readonly buyPriceMultiplier: Decimal;
  /** 1 − slippage rate, for sells. */
  readonly sellPriceMultiplier: Decimal;
  readonly tickSizeQuote: Decimal | null;
  readonly limitFillRequiresTradeThrough: boolean;
}

/** Written by matchOrder (a reused object, so matching allocates nothing). */
export interface Match {
  priceQuote: number;
  liquidity: Liquidity;
}

/**
 * Fills `out` and returns true when `order` trades in the candle (open, high, low); `arriving` is true on the
 * first candle the order may use (the one opening at or after its decision time).
 */
export function matchOrder(
  order: MatchableOrder,
  arriving: boolean,
  open: number,
  high: number,
  low: number,
  rules: MatchingRules,
  out: Match,
): boolean {
  const buy = order.side === 'buy';
  if (order.type === 'market') return takerMatch(buy, open, Number.NaN, high, low, rules, out);
  if (order.type === 'stop') {
    if (order.stopTriggered) return takerMatch(buy, open, Number.NaN, high, low, rules, out);
    const stop = order.stopPriceQuote;
    if (buy ? high < stop : low > stop) return false;
    return takerMatch(buy, buy ? Math.max(open, stop) : Math.min(open, stop), Number.NaN, high, low, rules, out);
  }
  const limit = order.limitPriceQuote;
  const marketableAtOpen = buy ? open <= limit : open >= limit;
  if (arriving && marketableAtOpen) return takerMatch(buy, open, limit, high, low, rules, out);
  const reached = rules.limitFillRequiresTradeThrough
    ? buy
      ? low < limit
      : high > limit
    : buy
      ? low <= limit
      : high >= limit;
  if (!reached) return false;
  out.priceQuote = buy ? Math.min(open, limit) : Math.max(open, limit);
  out.liquidity = 'maker';
  return true;
}

/** A taker trade from `reference`, slipped, kept within the limit (NaN: none) and the candle's range. */
function takerMatch(
  buy: boolean,
  reference: number,
  limit: number,
  high: number,
  low: number,
  rules: MatchingRules,
  out: Match,
): boolean {
  let price = slippedPriceQuote(buy, reference, rules);
  if (buy) {
    if (price > limit) price = limit;
    if (price > high) price = high;
  } else {
    if (price < limit) price = limit;
    if (price < low) price = low;
  }
  out.priceQuote = price;
  out.liquidity = 'taker';
  return true;
}

/**
 * reference × (1 ± slippage), rounded against the trader: up for buys, down for sells, to the tick when the
 * market has one. Exact decimal work, done only when an order trades.
 */
export function slippedPriceQuote(buy: boolean, referenceQuote: number, rules: MatchingRules): number {
  const multiplier = buy ? rules.buyPriceMultiplier : rules.sellPriceMultiplier;
  if (multiplier === DECIMAL_ONE && rules.tickSizeQuote === null) return referenceQuote;
  const rounding = buy ? 'ceiling' : 'floor';
  let price = mulDecimal(decimalFromNumber(referenceQuote), multiplier, rounding);
  if (rules.tickSizeQuote !== null) price = roundToStep(price, rules.tickSizeQuote, rounding);
  return decimalToNumber(price);
}
