/**
 * Writes what the venue reports about one order: its status, exchange order id and filled amounts, and every
 * trade Postgres does not hold yet as a fill — one transaction, idempotent (a trade already recorded is skipped,
 * and the fills table refuses a (client order id, trade id) twice), so the live broker and the reconciler can both
 * call it for the same order without double-counting.
 */
import type { Fill as CoreFill } from '@keel/core/execution/types.ts';
import { formatDecimal } from '@keel/core/money/format.ts';
import { decimalFromNumber } from '@keel/core/money/parse.ts';
import type { Bot, Order, OrderStatus, ServiceScope } from '@keel/db';
import type { VenueOrder } from './venue.ts';

/** Every fill of one order fits one read (a market order at most a few hundred trades). */
const MAX_FILLS_PER_ORDER = 1000;

export interface RecordedVenueOrder {
  order: Order;
  /** Fills recorded by this call (not those already present), as the core's Fill. */
  newFills: CoreFill[];
}

export function orderStatusOf(venue: VenueOrder): OrderStatus {
  switch (venue.status) {
    case 'closed':
      return 'filled';
    case 'canceled':
    case 'expired':
      return 'cancelled';
    case 'rejected':
      return 'rejected';
    default:
      return venue.filledQtyBase > 0 ? 'partially_filled' : 'open';
  }
}

export function exactText(value: number): string {
  return formatDecimal(decimalFromNumber(value));
}

export async function recordVenueOrder(
  tx: ServiceScope,
  bot: Bot,
  order: Pick<Order, 'clientOrderId' | 'symbol' | 'side'>,
  venue: VenueOrder,
): Promise<RecordedVenueOrder> {
  const known = await tx.fills.list({ clientOrderId: order.clientOrderId, limit: MAX_FILLS_PER_ORDER });
  const knownTradeIds = new Set(known.map((fill) => fill.tradeId));
  const newFills: CoreFill[] = [];
  for (const trade of venue.trades) {
    if (knownTradeIds.has(trade.tradeId)) continue;
    await tx.fills.insert({
      userId: bot.userId,
      botId: bot.id,
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      tradeId: trade.tradeId,
      time: trade.time,
      priceQuote: exactText(trade.priceQuote),
      qtyBase: exactText(trade.qtyBase),
      feeQuote: exactText(trade.feeQuote),
      liquidity: trade.liquidity,
    });
    newFills.push({
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      time: trade.time,
      priceQuote: trade.priceQuote,
      qtyBase: trade.qtyBase,
      feeQuote: trade.feeQuote,
      liquidity: trade.liquidity,
    });
  }
  const status = orderStatusOf(venue);
  const updated = await tx.orders.update(order.clientOrderId, {
    status,
    exchangeOrderId: venue.exchangeOrderId,
    filledQtyBase: exactText(venue.filledQtyBase),
    filledQuote: exactText(venue.filledQuote),
    ...(status === 'rejected' ? { rejectReason: 'rejected by the exchange' } : {}),
    submitted: true,
  });
  return { order: updated, newFills };
}
