/**
 * Buys sent and not yet filled, per symbol: the sizing rules count them as exposure and the balance check as
 * spent cash, so two buys decided before either fills cannot together pass a cap each passes alone. Reconciled
 * with the execution port once per candle (what is still working of each order), so a cancelled, rejected or
 * filled buy stops counting.
 */
import type { OrderRequest, OrderState } from '../execution/types.ts';
import type { ExecutionPort } from './types.ts';

interface PendingBuy {
  clientOrderId: string;
  symbolIndex: number;
}

export class PendingBuys {
  /** Quote still to spend per symbol. */
  readonly quoteBySymbol: Float64Array;
  private readonly orders: PendingBuy[] = [];

  constructor(symbols: number) {
    this.quoteBySymbol = new Float64Array(symbols);
  }

  /** A buy just sent; `markQuote` values a buy sized in base without a price of its own. */
  add(order: OrderRequest, symbolIndex: number, markQuote: number): void {
    this.quoteBySymbol[symbolIndex] =
      (this.quoteBySymbol[symbolIndex] as number) + remainingQuote(order, 0, 0, markQuote);
    this.orders.push({ clientOrderId: order.clientOrderId, symbolIndex });
  }

  get totalQuote(): number {
    let total = 0;
    for (let i = 0; i < this.quoteBySymbol.length; i++) total += this.quoteBySymbol[i] as number;
    return total;
  }

  /** Re-reads what is still working of each buy from the port; `marks` values base-sized remainders. */
  reconcile(port: ExecutionPort, marks: Float64Array): void {
    const orders = this.orders;
    if (orders.length === 0) return;
    this.quoteBySymbol.fill(0);
    let kept = 0;
    for (let i = 0; i < orders.length; i++) {
      const pending = orders[i] as PendingBuy;
      const state = port.order(pending.clientOrderId);
      if (state === undefined || !isWorking(state)) continue;
      orders[kept++] = pending;
      const s = pending.symbolIndex;
      this.quoteBySymbol[s] =
        (this.quoteBySymbol[s] as number) +
        remainingQuote(state.request, state.filledQtyBase, state.filledQuote, marks[s] as number);
    }
    orders.length = kept;
  }

  /** Cancels every buy still pending (a halt). */
  cancelAll(port: ExecutionPort): void {
    for (const pending of this.orders) port.cancel(pending.clientOrderId);
  }
}

function remainingQuote(order: OrderRequest, filledQtyBase: number, filledQuote: number, markQuote: number): number {
  const remaining =
    order.quoteQty !== undefined
      ? order.quoteQty - filledQuote
      : ((order.qtyBase as number) - filledQtyBase) * (order.limitPrice ?? order.stopPrice ?? markQuote);
  return Math.max(0, remaining);
}

function isWorking(state: Readonly<OrderState>): boolean {
  return state.status === 'open' || state.status === 'partially_filled';
}
