/**
 * One market's trades over the exchange's websocket, through ccxt.pro's `watchTrades` (Binance: the
 * `<symbol>@aggTrade` market stream — aggregate trades, the same ids as REST's /api/v3/aggTrades, so the two can be
 * merged by id without counting a trade twice; the `@trade` stream's ids are of single fills and match nothing on
 * REST). Each batch is checked (market-trade.ts): a bad one counts as a failed socket. The stream is `up` while
 * messages keep coming; a socket that fails, brings a bad batch, or stays silent for `stallMs` is closed and opened
 * again after a backoff with jitter, and the stream is `down` until a message comes.
 */
import type { Logger } from '../logger.ts';
import { ccxtSymbol } from './ccxt-candle-fetcher.ts';
import { checkedTrades, type MarketTrade, tradesCallFailure } from './market-trade.ts';
import { ProStreamLoop } from './pro-stream-loop.ts';

export interface CcxtTradeStreamOptions {
  /** ccxt exchange id, e.g. `binance`. */
  exchangeId: string;
  symbol: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /**
   * No trade for this long: the socket counts as stalled. Default 60 s: a quiet market may not trade for a while
   * (falling back to REST then costs one request per poll), a stalled socket must not pass for a quiet market.
   */
  stallMs?: number;
  /** First wait before reconnecting; doubled per failure up to `maxReconnectMs`, with jitter. Default 1 s. */
  reconnectMs?: number;
  /** Default 60 s. */
  maxReconnectMs?: number;
  /** Our clock, against which trade times are checked; default Date.now. */
  now?: () => number;
}

export interface TradeStreamEvents {
  /** Trades of one message, checked, in the venue's order. */
  trades(batch: readonly MarketTrade[]): void;
  /** The stream went up (a message came) or down (why: failed, stalled, a bad batch). */
  health(up: boolean, reason: string): void;
}

export class TradeStreamStalledError extends Error {
  constructor(stallMs: number) {
    super(`no websocket trade for ${stallMs} ms`);
    this.name = 'TradeStreamStalledError';
  }
}

const DEFAULT_STALL_MS = 60_000;
/** Per exchange, what makes watchTrades use the REST trades' id space (see above). */
const WATCH_TRADES_PARAMS: Readonly<Record<string, Record<string, string>>> = { binance: { name: 'aggTrade' } };

export class CcxtTradeStream {
  readonly name: string;
  /** e.g. `ccxt.pro:binance trades of BTC-USDT`, in errors. */
  private readonly what: string;
  private readonly options: CcxtTradeStreamOptions;
  private loop: ProStreamLoop<unknown, readonly MarketTrade[]> | null = null;

  constructor(options: CcxtTradeStreamOptions) {
    this.options = options;
    this.name = `ccxt.pro:${options.exchangeId}`;
    this.what = `${this.name} trades of ${options.symbol}`;
  }

  /** A message came on the current socket and none of the failures since. */
  get up(): boolean {
    return this.loop?.up ?? false;
  }

  start(events: TradeStreamEvents): void {
    if (this.loop !== null) return;
    const { exchangeId, symbol, logger } = this.options;
    const params = WATCH_TRADES_PARAMS[exchangeId] ?? {};
    this.loop = new ProStreamLoop({
      exchangeId,
      ...(this.options.env === undefined ? {} : { env: this.options.env }),
      logger,
      logFields: { source: this.name, symbol },
      failureMessage: 'trade websocket failed: reconnecting',
      upReason: 'websocket trade received',
      stallMs: this.options.stallMs ?? DEFAULT_STALL_MS,
      stalledError: (stallMs) => new TradeStreamStalledError(stallMs),
      ...(this.options.reconnectMs === undefined ? {} : { reconnectMs: this.options.reconnectMs }),
      ...(this.options.maxReconnectMs === undefined ? {} : { maxReconnectMs: this.options.maxReconnectMs }),
      watch: (client) =>
        client.watchTrades(ccxtSymbol(symbol), undefined, undefined, { ...params }).catch((error: unknown) => {
          throw tradesCallFailure(error, this.what);
        }),
      // A bad batch counts as a failed socket: nothing of it is delivered.
      take: (message) => checkedTrades(message, (this.options.now ?? Date.now)(), this.what),
      deliver: (batch) => events.trades(batch),
      health: (up, reason) => events.health(up, reason),
    });
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
  }
}
