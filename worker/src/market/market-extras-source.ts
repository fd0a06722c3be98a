/**
 * Market data beyond candles that the features can use when a venue has it: the order-book imbalance of a market
 * and the funding rate of the perpetual on its base. Each reading carries the time it describes, so the feature
 * engine can tell fresh from stale (packages/core/src/features/README.md, "Optional data").
 * Implementations: ccxt-market-extras.ts (any ccxt exchange). Replays and the synthetic market have none: the worker
 * runs without a MarketExtrasHub and the features stay masked.
 */

export interface TimedReading {
  readonly value: number;
  /** When the value was observed (ms since epoch): the venue's stamp, else the moment the answer arrived. */
  readonly timeMs: number;
}

export interface MarketExtrasSource {
  /** One line for the logs, e.g. `ccxt:binance order books (20 levels) and perpetual funding`. */
  readonly description: string;
  /**
   * (bid qty − ask qty) / (bid qty + ask qty) over the top levels of `symbol`'s book (Keel symbol, `BTC-USDT`).
   * Throws InvalidMarketDataError for an answer that cannot be trusted, ExchangeFailure when the venue failed.
   */
  orderBookImbalance(symbol: string): Promise<TimedReading>;
  /** The funding rate per interval of the perpetual on `symbol`'s base; null when the venue lists none. */
  fundingRate(symbol: string): Promise<TimedReading | null>;
}
