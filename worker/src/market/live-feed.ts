/**
 * One market's live feed, shared by every bot trading it (the live counterpart of ReplayFeed, same listener): a
 * CandlePoller run every `pollMs`, or back to back while its rounds wait for the venue themselves (an up
 * websocket); the candles of the first poll are history (the series bots warm up on, delivered to nobody), every
 * later closed candle is appended and delivered as `(series, index)` to all subscribers, the next one only after
 * all of them handled it. The series only grows (the runners' cursors are indexes into it): 48 bytes a candle,
 * ≈25 MB for a year of minutes.
 */
import { allocateSeries, type Candle, type CandleSeries, sliceSeries } from '@keel/core/market/types.ts';
import type { Logger } from '../logger.ts';
import type { ClosedCandleListener } from './closed-candle-poller.ts';
import type { CandleListener } from './replay-feed.ts';

/** What a LiveFeed runs: ClosedCandlePoller (REST polling) or WebSocketCandlePoller (websocket, REST as fallback). */
export interface CandlePoller {
  readonly symbol: string;
  onClosed(listener: ClosedCandleListener): () => void;
  /** Emits the candles closed since the last round, once each, in order; resolves with how many. */
  poll(): Promise<number>;
  /** True when the next round waits for the venue's next candle by itself (a websocket that is up). */
  nextRoundWaits?(): boolean;
  /** Ends a round that is waiting for candles and lets go of connections. */
  close?(): Promise<void>;
}

export interface LiveFeedOptions {
  poller: CandlePoller;
  logger: Logger;
  /** Default 5 s: a poll costs a request only when a candle should have closed since the last one. */
  pollMs?: number;
}

const DEFAULT_POLL_MS = 5_000;
const INITIAL_CAPACITY = 1024;

export class LiveFeed {
  private readonly poller: CandlePoller;
  private readonly logger: Logger;
  private readonly pollMs: number;
  private readonly listeners = new Set<CandleListener>();
  private columns: CandleSeries;
  private length = 0;
  private warmedUp = false;
  private stopping = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(options: LiveFeedOptions) {
    this.poller = options.poller;
    this.logger = options.logger;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.columns = allocateSeries(options.poller.symbol, INITIAL_CAPACITY);
    this.poller.onClosed((candle) => this.onClosed(candle));
  }

  /** The candles so far (history included), oldest first. */
  get series(): CandleSeries {
    return sliceSeries(this.columns, 0, this.length);
  }

  subscribe(listener: CandleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  closedIndex(): number {
    return this.length - 1;
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.poller.close?.();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let paced = false;
      try {
        await this.poller.poll();
        this.warmedUp = true;
        paced = this.poller.nextRoundWaits?.() === true;
      } catch (error) {
        // Nothing was skipped: the next poll resumes at the same open time. Bots simply see no new candle.
        this.logger.error(
          { symbol: this.poller.symbol, error: error instanceof Error ? error.message : String(error) },
          'live candles unavailable this round (every source failed)',
        );
      }
      // A round that waits for the venue by itself needs no pause; a failed one always gets one.
      if (!paced) await this.pause();
    }
  }

  private async onClosed(candle: Candle): Promise<void> {
    this.append(candle);
    if (!this.warmedUp) return;
    const series = this.series;
    await Promise.all([...this.listeners].map((listener) => listener(series, this.length - 1)));
  }

  private append(candle: Candle): void {
    if (this.length === this.columns.length) {
      const grown = allocateSeries(this.columns.symbol, this.columns.length * 2);
      for (const column of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
        grown[column].set(this.columns[column]);
      }
      this.columns = grown;
    }
    const at = this.length++;
    this.columns.time[at] = candle.time;
    this.columns.open[at] = candle.open;
    this.columns.high[at] = candle.high;
    this.columns.low[at] = candle.low;
    this.columns.close[at] = candle.close;
    this.columns.volume[at] = candle.volume;
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollMs);
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
