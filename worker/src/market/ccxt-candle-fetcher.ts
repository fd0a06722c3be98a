/**
 * Candles from a ccxt exchange's REST `fetchOHLCV` (Binance: GET /api/v3/klines), through the same pieces as the
 * order path (worker/src/exchange): the public client with markets loaded once per process, the process-wide
 * request-weight limiter of that exchange (market-data polls of every market and every bot's orders share the IP's
 * budget), and retry with backoff + jitter, a 429's Retry-After holding every caller of the exchange.
 * KEEL_EXCHANGE_URL_<EXCHANGE> in `env` moves the exchange to another origin (tests: a loopback venue).
 */
import type { Candle } from '@keel/core/market/types.ts';
import type { Exchange } from 'ccxt';
import { openExchangeClient } from '../exchange/exchange-client.ts';
import { sharedLimiterFor } from '../exchange/request-limiter.ts';
import { type RetryOptions, withRetry } from '../exchange/retry.ts';
import type { CandleFetcher, CandleRequest } from './candle-fetcher.ts';

export interface CcxtCandleFetcherOptions {
  /** ccxt exchange id, e.g. `binance`. */
  exchangeId: string;
  env?: NodeJS.ProcessEnv;
  retry?: RetryOptions;
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

/** Binance's weight of GET /api/v3/klines (other venues count differently but not higher). */
const KLINES_WEIGHT = 2;

export function ccxtSymbol(keelSymbol: string): string {
  return keelSymbol.replace('-', '/');
}

export function ccxtCandleFetcher(options: CcxtCandleFetcherOptions): CandleFetcher {
  const limiter = sharedLimiterFor(options.exchangeId);
  let client: Exchange | null = null;
  const retryAfterMs = () => {
    const seconds = Number((client?.last_response_headers as Record<string, string> | undefined)?.['Retry-After']);
    return Number.isFinite(seconds) ? seconds * 1000 : undefined;
  };

  return {
    name: `ccxt:${options.exchangeId}`,
    async fetchCandles(request: CandleRequest): Promise<Candle[]> {
      client ??= await openExchangeClient({
        exchangeId: options.exchangeId,
        ...(options.env === undefined ? {} : { env: options.env }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
      const exchange = client;
      const params = request.untilMs === undefined ? {} : { until: request.untilMs };
      const rows = await withRetry(
        async () => {
          await limiter.acquire(KLINES_WEIGHT);
          return exchange.fetchOHLCV(
            ccxtSymbol(request.symbol),
            request.timeframe,
            request.sinceMs,
            request.limit,
            params,
          );
        },
        { limiter, retryAfterMs },
        options.retry,
      );
      return rows.map(([time, open, high, low, close, volume]) => ({
        time: Number(time),
        open: Number(open),
        high: Number(high),
        low: Number(low),
        close: Number(close),
        volume: Number(volume),
      }));
    },
  };
}
