/** A venue's answer that is not fit to trade on (crossed book, negative quantity, missing or non-numeric field). */
export class InvalidMarketDataError extends Error {
  /** e.g. `ccxt:binance order book of BTC-USDT`. */
  readonly what: string;
  constructor(what: string, reason: string) {
    super(`${what} rejected: ${reason}`);
    this.name = 'InvalidMarketDataError';
    this.what = what;
  }
}
