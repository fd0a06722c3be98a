/**
 * The strategy's round trips as the risk manager sees them from fills, per symbol: the average entry price that
 * protective levels hang on, and each closed round trip's net P&L for the Kelly statistics. A round trip opens
 * when a flat position is bought and closes when it is back to flat (as backtest/trade-log.ts counts them);
 * pnl = sell proceeds − buy cost − every fee. Sells of a position opened before the manager started are ignored.
 */

/** Quantities below this share of the bought quantity are lot-rounding dust, not a position. */
const FLAT_EPSILON = 1e-12;

export class RoundTrips {
  private readonly boughtQty: Float64Array;
  private readonly boughtQuote: Float64Array;
  private readonly soldQty: Float64Array;
  private readonly soldQuote: Float64Array;
  private readonly fees: Float64Array;

  constructor(symbols: number) {
    this.boughtQty = new Float64Array(symbols);
    this.boughtQuote = new Float64Array(symbols);
    this.soldQty = new Float64Array(symbols);
    this.soldQuote = new Float64Array(symbols);
    this.fees = new Float64Array(symbols);
  }

  /** Books one fill of symbol s; returns the net P&L of the round trip it closed, or null. */
  onFill(s: number, side: 'buy' | 'sell', qtyBase: number, priceQuote: number, feeQuote: number): number | null {
    const bought = this.boughtQty[s] as number;
    if (side === 'buy') {
      this.boughtQty[s] = bought + qtyBase;
      this.boughtQuote[s] = (this.boughtQuote[s] as number) + qtyBase * priceQuote;
      this.fees[s] = (this.fees[s] as number) + feeQuote;
      return null;
    }
    if (bought === 0) return null;
    const sold = (this.soldQty[s] as number) + qtyBase;
    this.soldQty[s] = sold;
    this.soldQuote[s] = (this.soldQuote[s] as number) + qtyBase * priceQuote;
    this.fees[s] = (this.fees[s] as number) + feeQuote;
    if (bought - sold > FLAT_EPSILON * bought) return null;
    const pnl = (this.soldQuote[s] as number) - (this.boughtQuote[s] as number) - (this.fees[s] as number);
    this.boughtQty[s] = 0;
    this.boughtQuote[s] = 0;
    this.soldQty[s] = 0;
    this.soldQuote[s] = 0;
    this.fees[s] = 0;
    return pnl;
  }

  /** Average price paid for the open round trip of symbol s; NaN when none is open. */
  averageEntryPrice(s: number): number {
    const bought = this.boughtQty[s] as number;
    return bought > 0 ? (this.boughtQuote[s] as number) / bought : Number.NaN;
  }
}
