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
import { backoffDelayMs, DEFAULT_RETRY } from '../exchange/retry.ts';
import type { Logger } from '../logger.ts';
import { ccxtSymbol } from './ccxt-candle-fetcher.ts';
import { connectProClient } from './ccxt-pro-client.ts';
import { ClosingKlines } from './closing-klines.ts';

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
const DEFAULT_RECONNECT_MS = 1_000;
const DEFAULT_MAX_RECONNECT_MS = 60_000;

export class CcxtKlineStream {
  readonly name: string;
  /** A message came on the current socket and none of the failures since. */
  up = false;
  private readonly options: CcxtKlineStreamOptions;
  private readonly stallMs: number;
  private readonly klines = new ClosingKlines();
  private client: Exchange | null = null;
  private stopping = false;
  private running: Promise<void> | null = null;
  private wakeFromBackoff: (() => void) | null = null;

  constructor(options: CcxtKlineStreamOptions) {
    this.options = options;
    this.name = `ccxt.pro:${options.exchangeId}`;
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  }

  start(events: KlineStreamEvents): void {
    this.running ??= this.run(events);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeFromBackoff?.();
    await this.closeClient();
    await this.running;
  }

  private async run(events: KlineStreamEvents): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (this.client === null) {
          const client = await this.connect();
          // stop() came while connecting: it had no client to close yet.
          if (this.stopping) await client.close();
          else this.client = client;
          continue;
        }
        const rows = await this.nextMessage(this.client);
        failures = 0;
        if (!this.up) {
          this.up = true;
          events.health(true, 'websocket message received');
        }
        for (const candle of this.klines.update(rows)) events.closed(candle);
      } catch (error) {
        if (this.stopping) break;
        const reason = error instanceof Error ? error.message : String(error);
        this.options.logger.warn(
          { source: this.name, symbol: this.options.symbol, timeframe: this.options.timeframe, error: reason },
          'kline websocket failed: reconnecting',
        );
        await this.closeClient();
        this.klines.reset();
        if (this.up) {
          this.up = false;
          events.health(false, reason);
        }
        await this.backoff(failures++);
      }
    }
  }

  /** The next watch answer, or KlineStreamStalledError when none comes within the deadline. */
  private async nextMessage(client: Exchange): Promise<Awaited<ReturnType<Exchange['watchOHLCV']>>> {
    const watch = client.watchOHLCV(ccxtSymbol(this.options.symbol), this.options.timeframe);
    // The losing promise of the race still settles (rejected when the socket is closed): nobody waits for it.
    watch.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KlineStreamStalledError(this.stallMs)), this.stallMs);
    });
    try {
      return await Promise.race([watch, stalled]);
    } finally {
      clearTimeout(timer);
    }
  }

  private connect(): Promise<Exchange> {
    return connectProClient(this.options.exchangeId, this.options.env);
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
