/**
 * One venue's candle history over the network: what the live poller asks, in Keel's terms (symbol `BTC-USDT`,
 * open times in ms, oldest first). Implementations: ccxt-candle-fetcher.ts (any ccxt exchange's fetchOHLCV).
 * A second fetcher in the poller's list is its fallback when the first fails.
 */
import type { Candle } from '@keel/core/market/types.ts';

export interface CandleRequest {
  symbol: string;
  timeframe: string;
  /** First open time wanted (inclusive). */
  sinceMs: number;
  /** Last open time wanted (inclusive); default: up to `limit` candles. */
  untilMs?: number;
  limit: number;
}

export interface CandleFetcher {
  /** `ccxt:binance`: says in the logs where candles came from. */
  readonly name: string;
  fetchCandles(request: CandleRequest): Promise<Candle[]>;
}
