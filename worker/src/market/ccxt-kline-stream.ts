/**
 * One market's klines over the exchange's websocket, through ccxt.pro's `watchOHLCV` (Binance: the
 * `<symbol>@kline_<interval>` market stream), turned into closed candles (closing-klines.ts). The stream is `up`
 * while messages keep coming; a socket that fails, or stays silent for `stallMs` (open but stalled: ccxt's pings
 * still pass), is closed and opened again after a backoff with jitter, and the stream is `down` until a message
 * comes. Each reconnect makes a fresh ccxt client (ccxt-pro-client.ts), so nothing cached from the old socket is
 * read again.
 */
import type { Candle } from '@keel/core/market/types.ts';
import type { Exchange } from 'ccxt';
import type { Logger } from '../logger.ts';
import { ccxtSymbol } from './ccxt-candle-fetcher.ts';
import { ClosingKlines } from './closing-klines.ts';
import { ProStreamLoop } from './pro-stream-loop.ts';

type OhlcvRows = Awaited<ReturnType<Exchange['watchOHLCV']>>;

export interface CcxtKlineStreamOptions {
  /** ccxt exchange id, e.g. `binance`. */
  exchangeId: string;
  symbol: string;
  timeframe: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** No message for this long: the socket counts as stalled. Default 30 s (Binance pushes a kline every 2 s). */
  stallMs?: number;
  /** First wait before reconnecting; doubled per failure up to `maxReconnectMs`, with jitter. Default 1 s. */
  reconnectMs?: number;
  /** Default 60 s. */
  maxReconnectMs?: number;
}

export interface KlineStreamEvents {
  /** A candle closed, with its final values; in open-time order within one connection. */
  closed(candle: Candle): void;
  /** The stream went up (a message came) or down (why: failed, stalled). */
  health(up: boolean, reason: string): void;
}

export class KlineStreamStalledError extends Error {
  constructor(stallMs: number) {
    super(`no websocket message for ${stallMs} ms`);
    this.name = 'KlineStreamStalledError';
  }
}

const DEFAULT_STALL_MS = 30_000;

export class CcxtKlineStream {
  readonly name: string;
  private readonly options: CcxtKlineStreamOptions;
  private readonly klines = new ClosingKlines();
  private loop: ProStreamLoop<OhlcvRows, Candle[]> | null = null;

  constructor(options: CcxtKlineStreamOptions) {
    this.options = options;
    this.name = `ccxt.pro:${options.exchangeId}`;
  }

  /** A message came on the current socket and none of the failures since. */
  get up(): boolean {
    return this.loop?.up ?? false;
  }

  start(events: KlineStreamEvents): void {
    if (this.loop !== null) return;
    const { exchangeId, symbol, timeframe, logger } = this.options;
    this.loop = new ProStreamLoop({
      exchangeId,
      ...(this.options.env === undefined ? {} : { env: this.options.env }),
      logger,
      logFields: { source: this.name, symbol, timeframe },
      failureMessage: 'kline websocket failed: reconnecting',
      upReason: 'websocket message received',
      stallMs: this.options.stallMs ?? DEFAULT_STALL_MS,
      stalledError: (stallMs) => new KlineStreamStalledError(stallMs),
      ...(this.options.reconnectMs === undefined ? {} : { reconnectMs: this.options.reconnectMs }),
      ...(this.options.maxReconnectMs === undefined ? {} : { maxReconnectMs: this.options.maxReconnectMs }),
      watch: (client) => client.watchOHLCV(ccxtSymbol(symbol), timeframe),
      take: (rows) => this.klines.update(rows),
      deliver: (candles) => {
        for (const candle of candles) events.closed(candle);
      },
      health: (up, reason) => events.health(up, reason),
      // A kline the old socket left open is not continued by the new one.
      onFailure: () => this.klines.reset(),
    });
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
  }
}
