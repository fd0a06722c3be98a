/**
 * One market's trades over the exchange's websocket, through ccxt.pro's `watchTrades` (Binance: the
 * `<symbol>@aggTrade` market stream — aggregate trades, the same ids as REST's /api/v3/aggTrades, so the two can be
 * merged by id without counting a trade twice; the `@trade` stream's ids are of single fills and match nothing on
 * REST). Each batch is checked (market-trade.ts): a bad one counts as a failed socket. The stream is `up` while
 * messages keep coming; a socket that fails, brings a bad batch, or stays silent for `stallMs` is closed and opened
 * again after a backoff with jitter, and the stream is `down` until a message comes.
 */
import type { Exchange } from 'ccxt';
import { backoffDelayMs, DEFAULT_RETRY } from '../exchange/retry.ts';
import type { Logger } from '../logger.ts';
import { ccxtSymbol } from './ccxt-candle-fetcher.ts';
import { connectProClient } from './ccxt-pro-client.ts';
import { checkedTrades, type MarketTrade, tradesCallFailure } from './market-trade.ts';

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
const DEFAULT_RECONNECT_MS = 1_000;
const DEFAULT_MAX_RECONNECT_MS = 60_000;
/** Per exchange, what makes watchTrades use the REST trades' id space (see above). */
const WATCH_TRADES_PARAMS: Readonly<Record<string, Record<string, string>>> = { binance: { name: 'aggTrade' } };

export class CcxtTradeStream {
  readonly name: string;
  /** e.g. `ccxt.pro:binance trades of BTC-USDT`, in errors. */
  private readonly what: string;
  /** A message came on the current socket and none of the failures since. */
  up = false;
  private readonly options: CcxtTradeStreamOptions;
  private readonly stallMs: number;
  private client: Exchange | null = null;
  private stopping = false;
  private running: Promise<void> | null = null;
  private wakeFromBackoff: (() => void) | null = null;

  constructor(options: CcxtTradeStreamOptions) {
    this.options = options;
    this.name = `ccxt.pro:${options.exchangeId}`;
    this.what = `${this.name} trades of ${options.symbol}`;
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  }

  start(events: TradeStreamEvents): void {
    this.running ??= this.run(events);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeFromBackoff?.();
    await this.closeClient();
    await this.running;
  }

  private async run(events: TradeStreamEvents): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (this.client === null) {
          const client = await connectProClient(this.options.exchangeId, this.options.env);
          // stop() came while connecting: it had no client to close yet.
          if (this.stopping) await client.close();
          else this.client = client;
          continue;
        }
        const message = await this.nextMessage(this.client);
        const batch = checkedTrades(message, (this.options.now ?? Date.now)(), this.what);
        failures = 0;
        if (!this.up) {
          this.up = true;
          events.health(true, 'websocket trade received');
        }
        events.trades(batch);
      } catch (error) {
        if (this.stopping) break;
        const reason = error instanceof Error ? error.message : String(error);
        this.options.logger.warn(
          { source: this.name, symbol: this.options.symbol, error: reason },
          'trade websocket failed: reconnecting',
        );
        await this.closeClient();
        if (this.up) {
          this.up = false;
          events.health(false, reason);
        }
        await this.backoff(failures++);
      }
    }
  }

  /** The next watch answer, or TradeStreamStalledError when none comes within the deadline. */
  private async nextMessage(client: Exchange): Promise<unknown> {
    const params = WATCH_TRADES_PARAMS[this.options.exchangeId] ?? {};
    const watch = client
      .watchTrades(ccxtSymbol(this.options.symbol), undefined, undefined, { ...params })
      .catch((error: unknown) => {
        throw tradesCallFailure(error, this.what);
      });
    // The losing promise of the race still settles (rejected when the socket is closed): nobody waits for it.
    watch.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TradeStreamStalledError(this.stallMs)), this.stallMs);
    });
    try {
      return await Promise.race([watch, stalled]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async closeClient(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.close().catch(() => {});
  }

  private backoff(failures: number): Promise<void> {
    const delayMs = backoffDelayMs(failures, {
      ...DEFAULT_RETRY,
      baseDelayMs: this.options.reconnectMs ?? DEFAULT_RECONNECT_MS,
      maxDelayMs: this.options.maxReconnectMs ?? DEFAULT_MAX_RECONNECT_MS,
    });
    return new Promise((resolve) => {
      const timer = setTimeout(done, delayMs);
      this.wakeFromBackoff = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
