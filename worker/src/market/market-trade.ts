/**
 * One trade of a market as the taker-flow reading uses it, checked from a ccxt Trade: a venue answer that cannot be
 * trusted (a missing id or time, a price or amount that is not a positive number, a side that is neither buy nor
 * sell, a time ahead of our clock by more than the venues' skew) rejects the whole batch with InvalidMarketDataError naming the trade and the reason — one bad trade in a
 * page says the page is broken, and counting the rest would tilt the imbalance without anyone knowing.
 */
import ccxt from 'ccxt';
import { InvalidMarketDataError } from './invalid-market-data-error.ts';
import { MAX_CLOCK_SKEW_MS } from './venue-timestamp.ts';

/** The taker's side: `buy` lifted an ask, `sell` hit a bid. */
export type TakerSide = 'buy' | 'sell';

export interface MarketTrade {
  /** The venue's id, unique per market (Binance: the aggregate trade id). */
  readonly id: string;
  readonly timeMs: number;
  readonly side: TakerSide;
  readonly amountBase: number;
  readonly priceQuote: number;
}

/** The parts of a ccxt Trade read here; unknown because the venue's answer is not trusted. */
export interface RawTrade {
  id?: unknown;
  timestamp?: unknown;
  side?: unknown;
  amount?: unknown;
  price?: unknown;
}

function positive(value: unknown, field: string, at: number, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidMarketDataError(what, `trade[${at}] ${field} ${String(value)} is not a positive number`);
  }
  return value;
}

function checkedTrade(raw: unknown, at: number, receivedAtMs: number, what: string): MarketTrade {
  if (typeof raw !== 'object' || raw === null) throw new InvalidMarketDataError(what, `trade[${at}] is not an object`);
  const { id, timestamp, side, amount, price } = raw as RawTrade;
  if ((typeof id !== 'string' && typeof id !== 'number') || id === '') {
    throw new InvalidMarketDataError(what, `trade[${at}] has no id`);
  }
  if (typeof timestamp !== 'number' || !Number.isInteger(timestamp) || timestamp <= 0) {
    throw new InvalidMarketDataError(what, `trade[${at}] timestamp ${String(timestamp)} is not a time`);
  }
  // A trade from the future would carry the cursor past every real trade to come.
  if (timestamp - receivedAtMs > MAX_CLOCK_SKEW_MS) {
    throw new InvalidMarketDataError(
      what,
      `trade[${at}] timestamp ${timestamp} is ${timestamp - receivedAtMs} ms ahead`,
    );
  }
  if (side !== 'buy' && side !== 'sell') {
    throw new InvalidMarketDataError(what, `trade[${at}] side ${String(side)} is neither buy nor sell`);
  }
  return {
    id: String(id),
    timeMs: timestamp,
    side,
    amountBase: positive(amount, 'amount', at, what),
    priceQuote: positive(price, 'price', at, what),
  };
}

/**
 * `raw` (a ccxt fetchTrades / watchTrades answer that arrived at `receivedAtMs`) checked; throws
 * InvalidMarketDataError naming `what`.
 */
export function checkedTrades(raw: unknown, receivedAtMs: number, what: string): MarketTrade[] {
  if (!Array.isArray(raw)) throw new InvalidMarketDataError(what, 'the answer is not a list of trades');
  return raw.map((trade: unknown, at) => checkedTrade(trade, at, receivedAtMs, what));
}

/**
 * What a ccxt trades call threw, as the trades' failure: ccxt's own errors (network, venue) as they are; anything
 * else came from parsing the venue's answer (ccxt turns "abc" into a BigInt and throws a RangeError) and becomes
 * InvalidMarketDataError naming `what`.
 */
export function tradesCallFailure(error: unknown, what: string): unknown {
  if (error instanceof ccxt.BaseError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new InvalidMarketDataError(what, `unreadable trades (${reason})`);
}
