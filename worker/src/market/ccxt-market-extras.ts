/**
 * Order books and funding rates from a ccxt exchange (Binance: GET /api/v3/depth on spot, GET /fapi/v1/premiumIndex
 * on the USDⓈ-M perpetual of the same base), through the order path's pieces: the spot client with markets loaded
 * once per process, the exchange's shared request-weight limiter (every bot and every poll of this process shares
 * the IP's budget) and retry with backoff + jitter. Answers are checked before use (order-book-imbalance.ts,
 * funding-rate-reading.ts); one that fails the check throws InvalidMarketDataError with the reason.
 */
import type { Exchange } from 'ccxt';
import { openExchangeClient } from '../exchange/exchange-client.ts';
import { sharedLimiterFor } from '../exchange/request-limiter.ts';
import { type RetryOptions, withRetry } from '../exchange/retry.ts';
import { ccxtSymbol } from './ccxt-candle-fetcher.ts';
import { openPerpetualClient, perpetualFor } from './ccxt-perpetual-client.ts';
import { fundingRateReading } from './funding-rate-reading.ts';
import type { MarketExtrasSource, TimedReading } from './market-extras-source.ts';
import { orderBookImbalance } from './order-book-imbalance.ts';
import { readingTimeMs } from './venue-timestamp.ts';

export interface CcxtMarketExtrasOptions {
  /** ccxt exchange id, e.g. `binance`. */
  exchangeId: string;
  env?: NodeJS.ProcessEnv;
  /** Levels per side in the imbalance; default 20 (Binance charges the same weight up to 100). */
  orderBookLevels?: number;
  /** Default: exchange/retry.ts's, with 2 attempts in all. */
  retry?: RetryOptions;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  now?: () => number;
}

export const DEFAULT_ORDER_BOOK_LEVELS = 20;
/**
 * One retry: the next poll comes within seconds anyway (a reading missed is only masked), and a worker shutting
 * down waits for the polls in flight.
 */
const DEFAULT_ATTEMPTS = 2;
/** Binance's weight of GET /fapi/v1/premiumIndex for one symbol. */
const PREMIUM_INDEX_WEIGHT = 1;

/** Binance's weight of GET /api/v3/depth by `limit` (other venues count differently but not higher). */
export function depthWeight(levels: number): number {
  if (levels <= 100) return 5;
  if (levels <= 500) return 25;
  if (levels <= 1000) return 50;
  return 250;
}

function retryAfterOf(client: Exchange | null): () => number | undefined {
  return () => {
    const seconds = Number((client?.last_response_headers as Record<string, string> | undefined)?.['Retry-After']);
    return Number.isFinite(seconds) ? seconds * 1000 : undefined;
  };
}

export function ccxtMarketExtras(options: CcxtMarketExtrasOptions): MarketExtrasSource {
  const { exchangeId } = options;
  const limiter = sharedLimiterFor(exchangeId);
  const levels = options.orderBookLevels ?? DEFAULT_ORDER_BOOK_LEVELS;
  if (!Number.isInteger(levels) || levels < 1) throw new RangeError(`order book levels must be ≥ 1, got ${levels}`);
  const now = options.now ?? Date.now;
  const clientOptions = {
    exchangeId,
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };

  // One spot client for every poll, as the candle fetcher keeps its own: ccxt clients are costly to build.
  let spotClient: Exchange | null = null;
  const spot = async () => {
    spotClient ??= await openExchangeClient(clientOptions);
    return spotClient;
  };

  async function fetchWithRetry<T>(client: Exchange, weight: number, call: () => Promise<T>): Promise<T> {
    return withRetry(
      async () => {
        await limiter.acquire(weight);
        return call();
      },
      { limiter, retryAfterMs: retryAfterOf(client) },
      { attempts: DEFAULT_ATTEMPTS, ...options.retry },
    );
  }

  return {
    description: `ccxt:${exchangeId} order books (${levels} levels) and perpetual funding rates`,

    async orderBookImbalance(symbol: string): Promise<TimedReading> {
      const client = await spot();
      const book = await fetchWithRetry(client, depthWeight(levels), () =>
        client.fetchOrderBook(ccxtSymbol(symbol), levels),
      );
      const what = `ccxt:${exchangeId} order book of ${symbol}`;
      const receivedAtMs = now();
      return {
        value: orderBookImbalance(book, levels, what),
        timeMs: readingTimeMs(book.timestamp, receivedAtMs, what),
      };
    },

    async fundingRate(symbol: string): Promise<TimedReading | null> {
      const client = await openPerpetualClient(clientOptions);
      if (client.has.fetchFundingRate !== true) return null;
      const perpetual = perpetualFor(client.markets, ccxtSymbol(symbol));
      if (perpetual === null) return null;
      const funding = await fetchWithRetry(client, PREMIUM_INDEX_WEIGHT, () => client.fetchFundingRate(perpetual));
      return fundingRateReading(funding, now(), `ccxt:${exchangeId} funding rate of ${perpetual}`);
    },
  };
}
