/**
 * The loopback Binance of loopback-klines-server.ts plus GET /api/v3/aggTrades, what ccxt's binance fetchTrades
 * calls for spot markets, in Binance's wire format: `[{a, p, q, f, l, T, m, M}]` with strings for price and
 * quantity, `m` true when the buyer was the maker (the taker sold). With `startTime` (inclusive) and `endTime`
 * (inclusive; ccxt sends startTime + 1 h) it answers the first `limit` trades of that span, oldest first; without,
 * the newest `limit`. Only trades stamped up to the venue's clock exist. Faults on demand: a raw answer (any status
 * and body) served instead of the real one until cleared.
 */
import type { ServerResponse } from 'node:http';
import { LoopbackKlinesServer, send } from './loopback-klines-server.ts';
import type { RawAnswer } from './loopback-market-extras-server.ts';

/** One aggregate trade as the venue keeps it. */
export interface VenueTrade {
  /** Aggregate trade id. */
  id: number;
  symbol: string;
  timeMs: number;
  price: number;
  qty: number;
  /** The taker sold into a resting bid (Binance's `m`: the buyer was the maker). */
  takerSold: boolean;
}

export function aggTradeWire(trade: VenueTrade): Record<string, unknown> {
  return {
    a: trade.id,
    p: trade.price.toFixed(8),
    q: trade.qty.toFixed(8),
    f: trade.id * 2,
    l: trade.id * 2 + 1,
    T: trade.timeMs,
    m: trade.takerSold,
    M: true,
  };
}

export class LoopbackTradesServer extends LoopbackKlinesServer {
  /** Every trade of every symbol, oldest first. */
  readonly trades: VenueTrade[] = [];
  aggTradesOverride: RawAnswer | null = null;
  readonly aggTradesRequests: URLSearchParams[] = [];

  constructor(nowMs: number) {
    super([], 3_600_000, nowMs);
  }

  protected override handle(rawUrl: string, response: ServerResponse): void {
    const url = new URL(rawUrl, 'http://venue');
    if (url.pathname === '/api/v3/aggTrades') this.answerAggTrades(url.searchParams, response);
    else super.handle(rawUrl, response);
  }

  private answerAggTrades(params: URLSearchParams, response: ServerResponse): void {
    this.aggTradesRequests.push(params);
    if (this.aggTradesOverride !== null) {
      response.writeHead(this.aggTradesOverride.status, { 'content-type': 'application/json;charset=UTF-8' });
      response.end(this.aggTradesOverride.body);
      return;
    }
    const symbol = params.get('symbol');
    const limit = Number(params.get('limit') ?? 500);
    const startMs = params.get('startTime');
    const endMs = Math.min(Number(params.get('endTime') ?? Number.POSITIVE_INFINITY), this.nowMs);
    const existing = this.trades.filter((trade) => trade.symbol === symbol && trade.timeMs <= endMs);
    const answer =
      startMs === null
        ? existing.slice(-limit)
        : existing.filter((trade) => trade.timeMs >= Number(startMs)).slice(0, limit);
    send(response, 200, answer.map(aggTradeWire));
  }
}
