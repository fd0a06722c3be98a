/**
 * Turns a stream of fills into round-trip trades, per symbol: a trade opens when a flat position is bought and
 * closes when it is back to flat. Scale-ins average the entry price; partial exits average the exit price; fees
 * of every fill in the round trip are summed; pnl = sell proceeds − buy cost − fees (net of fees).
 */
import type { Fill } from '../execution/types.ts';
import type { ClosedTrade } from './metrics.ts';

/** Quantities below this are dust left by lot rounding, not an open position. */
const FLAT_EPSILON = 1e-12;

interface OpenTrade {
  entryTime: number;
  boughtQty: number;
  boughtQuote: number;
  soldQty: number;
  soldQuote: number;
  fees: number;
  exitTime: number;
  /** Price of the only buy / sell fill, or NaN once there are several: one fill keeps its exact price. */
  singleBuyPrice: number;
  singleSellPrice: number;
}

export class TradeLog {
  readonly closed: ClosedTrade[] = [];
  private readonly open = new Map<string, OpenTrade>();

  record(fill: Fill): void {
    let trade = this.open.get(fill.symbol);
    if (!trade) {
      if (fill.side === 'sell') return; // selling something bought before the log started: not a round trip
      trade = {
        entryTime: fill.time,
        boughtQty: 0,
        boughtQuote: 0,
        soldQty: 0,
        soldQuote: 0,
        fees: 0,
        exitTime: 0,
        singleBuyPrice: Number.NaN,
        singleSellPrice: Number.NaN,
      };
      this.open.set(fill.symbol, trade);
    }
    const notional = fill.qtyBase * fill.priceQuote;
    trade.fees += fill.feeQuote;
    if (fill.side === 'buy') {
      trade.singleBuyPrice = trade.boughtQty === 0 ? fill.priceQuote : Number.NaN;
      trade.boughtQty += fill.qtyBase;
      trade.boughtQuote += notional;
      return;
    }
    trade.singleSellPrice = trade.soldQty === 0 ? fill.priceQuote : Number.NaN;
    trade.soldQty += fill.qtyBase;
    trade.soldQuote += notional;
    trade.exitTime = fill.time;
    if (trade.boughtQty - trade.soldQty <= FLAT_EPSILON * trade.boughtQty) this.close(fill.symbol, trade);
  }

  /**
   * Books every open round trip at the given mark prices (end of a backtest) without an exit fee, flagged
   * `openAtEnd`: the same valuation the equity curve ends on, so the trades' pnl sums to the equity change.
   */
  closeAllAt(markPrice: (symbol: string) => number, time: number): void {
    for (const [symbol, trade] of this.open) {
      const remaining = trade.boughtQty - trade.soldQty;
      const price = markPrice(symbol);
      trade.singleSellPrice = trade.soldQty === 0 ? price : Number.NaN;
      trade.soldQuote += remaining * price;
      trade.soldQty += remaining;
      trade.exitTime = time;
      this.close(symbol, trade, true);
    }
  }

  hasOpenTrade(symbol: string): boolean {
    return this.open.has(symbol);
  }

  private close(symbol: string, trade: OpenTrade, openAtEnd = false): void {
    this.open.delete(symbol);
    const closed: ClosedTrade = {
      symbol,
      entryTime: trade.entryTime,
      entryPrice: Number.isNaN(trade.singleBuyPrice) ? trade.boughtQuote / trade.boughtQty : trade.singleBuyPrice,
      exitTime: trade.exitTime,
      exitPrice: Number.isNaN(trade.singleSellPrice) ? trade.soldQuote / trade.soldQty : trade.singleSellPrice,
      qty: trade.boughtQty,
      fees: trade.fees,
      pnl: trade.soldQuote - trade.boughtQuote - trade.fees,
    };
    // Set only when true, after the other fields (JSON key order unchanged); a conditional spread costs more
    // than the rest of closing a trade.
    if (openAtEnd) closed.openAtEnd = true;
    this.closed.push(closed);
  }
}
