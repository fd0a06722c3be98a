/**
 * Order-book imbalance over the top levels: (bid qty − ask qty) / (bid qty + ask qty), in [−1, 1], +1 all bids.
 * The book is checked first, since a wrong one would pass as a strong signal: every level a [price, qty] pair of
 * finite numbers with price > 0 and qty ≥ 0, both sides present, best bid below best ask (a crossed book is a
 * broken snapshot, not a market), and some quantity in all. Levels are taken as ccxt orders them: best first.
 */
import { InvalidMarketDataError } from './invalid-market-data-error.ts';

/** The parts of a ccxt OrderBook read here; unknown because the venue's answer is not trusted. */
export interface RawOrderBook {
  bids?: unknown;
  asks?: unknown;
}

function topLevels(side: unknown, name: string, levels: number, what: string): [number, number][] {
  if (!Array.isArray(side)) throw new InvalidMarketDataError(what, `${name} missing`);
  if (side.length === 0) throw new InvalidMarketDataError(what, `no ${name}`);
  return side.slice(0, levels).map((level: unknown, at) => {
    const [price, qty] = Array.isArray(level) ? level : [];
    if (typeof price !== 'number' || !Number.isFinite(price) || price <= 0) {
      throw new InvalidMarketDataError(what, `${name}[${at}] price ${String(price)} is not a positive number`);
    }
    if (typeof qty !== 'number' || !Number.isFinite(qty) || qty < 0) {
      throw new InvalidMarketDataError(what, `${name}[${at}] quantity ${String(qty)} is not a non-negative number`);
    }
    return [price, qty];
  });
}

function totalQty(levels: readonly [number, number][]): number {
  let total = 0;
  for (const [, qty] of levels) total += qty;
  return total;
}

/** The imbalance of `book`'s top `levels` per side; throws InvalidMarketDataError naming `what` and the reason. */
export function orderBookImbalance(book: RawOrderBook, levels: number, what: string): number {
  const bids = topLevels(book.bids, 'bids', levels, what);
  const asks = topLevels(book.asks, 'asks', levels, what);
  const bestBid = (bids[0] as [number, number])[0];
  const bestAsk = (asks[0] as [number, number])[0];
  if (bestBid >= bestAsk)
    throw new InvalidMarketDataError(what, `crossed book: best bid ${bestBid} ≥ best ask ${bestAsk}`);
  const bidQty = totalQty(bids);
  const askQty = totalQty(asks);
  if (bidQty + askQty === 0) throw new InvalidMarketDataError(what, 'no quantity on either side');
  return (bidQty - askQty) / (bidQty + askQty);
}
