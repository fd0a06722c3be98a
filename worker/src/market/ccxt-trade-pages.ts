/**
 * One page of a market's trades from a ccxt exchange's REST `fetchTrades(symbol, since, limit)` (Binance spot:
 * GET /api/v3/aggTrades with startTime inclusive), through the same pieces as the candle fetcher and the order
 * path: the public client with markets loaded once per process, the exchange's shared request-weight limiter and
 * retry with backoff + jitter. The page is checked (market-trade.ts) before anything counts it.
 */
import type { Exchange } from 'ccxt';
import { openExchangeClient } from '../exchange/exchange-client.ts';
import { sharedLimiterFor } from '../exchange/request-limiter.ts';
import { type RetryOptions, withRetry } from '../exchange/retry.ts';
import { ccxtSymbol } from './ccxt-candle-fetcher.ts';
import { checkedTrades, type MarketTrade, tradesCallFailure } from './market-trade.ts';

export interface TradePages {
  /** e.g. `ccxt:binance`. */
  readonly name: string;
  /** Up to `limit` trades of `symbol` (Keel symbol) stamped at or after `sinceMs`, oldest first. */
  fetchPage(symbol: string, sinceMs: number, limit: number): Promise<MarketTrade[]>;
}

export interface CcxtTradePagesOptions {
  /** ccxt exchange id, e.g. `binance`. */
  exchangeId: string;
  env?: NodeJS.ProcessEnv;
  /** Default: exchange/retry.ts's, with 2 attempts in all (the next poll comes soon; a miss only lags). */
  retry?: RetryOptions;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Our clock, against which trade times are checked; default Date.now. */
  now?: () => number;
}

/** Binance's weight of GET /api/v3/aggTrades (other venues count differently but not higher). */
const AGG_TRADES_WEIGHT = 2;
const DEFAULT_ATTEMPTS = 2;

export function ccxtTradePages(options: CcxtTradePagesOptions): TradePages {
  const limiter = sharedLimiterFor(options.exchangeId);
  let client: Exchange | null = null;
  const retryAfterMs = () => {
    const seconds = Number((client?.last_response_headers as Record<string, string> | undefined)?.['Retry-After']);
    return Number.isFinite(seconds) ? seconds * 1000 : undefined;
  };
  const name = `ccxt:${options.exchangeId}`;
  const now = options.now ?? Date.now;

  return {
    name,
    async fetchPage(symbol: string, sinceMs: number, limit: number): Promise<MarketTrade[]> {
      client ??= await openExchangeClient({
        exchangeId: options.exchangeId,
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
      const exchange = client;
      const what = `${name} trades of ${symbol}`;
      const trades = await withRetry(
        async () => {
          await limiter.acquire(AGG_TRADES_WEIGHT);
          return exchange.fetchTrades(ccxtSymbol(symbol), sinceMs, limit).catch((error: unknown) => {
            throw tradesCallFailure(error, what);
          });
        },
        { limiter, retryAfterMs },
        { attempts: DEFAULT_ATTEMPTS, ...options.retry },
      );
      return checkedTrades(trades, now(), what);
    },
  };
}
