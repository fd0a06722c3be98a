/**
 * One market's live candles by websocket, REST polling as the fallback, behind the same rounds as the REST-only
 * ClosedCandlePoller (so the LiveFeed, the hub and the bots do not care which one runs). Every candle goes through
 * the REST poller's single cursor: a streamed closed candle is emitted when it is the next one, the open times
 * before it back-filled by REST first, and dropped when REST already emitted it; each round ends with a REST poll,
 * which asks the venue nothing while the websocket keeps up, and catches up on whatever it did not bring (the
 * warm-up history, the candles of an outage). So switching between the two leaves no gap and no duplicate.
 *
 * While the stream is up a round waits for its next closed candle; while it is down (failed, stalled, not yet
 * connected) a round is a plain REST poll, and the stream keeps reconnecting on its own.
 */
import type { Candle } from '@keel/core/market/types.ts';
import type { Logger } from '../logger.ts';
import type { CcxtKlineStream } from './ccxt-kline-stream.ts';
import type { ClosedCandleListener, ClosedCandlePoller } from './closed-candle-poller.ts';
import type { CandlePoller } from './live-feed.ts';

export interface WebSocketCandlePollerOptions {
  stream: CcxtKlineStream;
  /** Back-fills, catches up, and holds the cursor of the next open time to emit. */
  rest: ClosedCandlePoller;
  logger: Logger;
}

export class WebSocketCandlePoller implements CandlePoller {
  readonly symbol: string;
  private readonly stream: CcxtKlineStream;
  private readonly rest: ClosedCandlePoller;
  private readonly logger: Logger;
  /** Closed by the stream, not yet handed to the REST poller's cursor. */
  private readonly streamed: Candle[] = [];
  private started = false;
  private closing = false;
  private wake: (() => void) | null = null;

  constructor(options: WebSocketCandlePollerOptions) {
    this.stream = options.stream;
    this.rest = options.rest;
    this.logger = options.logger;
    this.symbol = options.rest.symbol;
  }

  onClosed(listener: ClosedCandleListener): () => void {
    return this.rest.onClosed(listener);
  }

  async poll(): Promise<number> {
    this.startStream();
    if (this.stream.up && this.streamed.length === 0 && !this.closing) await this.nextStreamEvent();
    let emitted = 0;
    for (let candle = this.streamed[0]; candle !== undefined; candle = this.streamed[0]) {
      emitted += await this.rest.acceptClosed(candle);
      // Only once handled: a failed back-fill leaves the candle for the next round.
      this.streamed.shift();
    }
    return emitted + (await this.rest.poll());
  }

  nextRoundWaits(): boolean {
    return this.stream.up && !this.closing;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.wake?.();
    await this.stream.stop();
  }

  private startStream(): void {
    if (this.started) return;
    this.started = true;
    const where = { source: this.stream.name, symbol: this.symbol, timeframe: this.rest.timeframe };
    this.stream.start({
      closed: (candle) => {
        this.streamed.push(candle);
        this.wake?.();
      },
      health: (up, reason) => {
        if (up) this.logger.info(where, 'candles by websocket: REST polling only catches up');
        else this.logger.warn({ ...where, reason }, 'candle websocket down: falling back to REST polling');
        this.wake?.();
      },
    });
  }

  private nextStreamEvent(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve();
      };
    });
  }
}
