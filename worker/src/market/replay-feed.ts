/**
 * One market's replay, shared by every bot trading it: candles are delivered in order, each to every subscriber,
 * and the next candle waits until all of them have handled this one (a slow bot slows the replay, it never skips
 * a candle). The pace is a fixed schedule of `speed` candles per second from start(). The replay begins at
 * start(), so the bots started together all see its first candle; a subscriber that joins later receives the next
 * index and catches up on its own (warm-up only: it trades from there on), and one that joins a finished replay
 * receives nothing. With `firstIndex`, the candles before it are history, delivered to nobody (as a live feed's
 * first poll): the replay begins at that candle and every bot warms up on the history at its first candle.
 */
import type { CandleSeries } from '@keel/core/market/types.ts';

/** Candle `index` of `series` has closed; resolves when the subscriber has handled it. */
export type CandleListener = (series: CandleSeries, index: number) => Promise<void>;

/** Candles per second, or 'max' (as fast as the subscribers go: tests). */
export type ReplaySpeed = number | 'max';

export interface ReplayFeedOptions {
  /** Index of the first candle delivered; the ones before it are warm-up history. Default 0. */
  firstIndex?: number;
}

export class ReplayFeed {
  readonly series: CandleSeries;
  private readonly speed: ReplaySpeed;
  private readonly firstIndex: number;
  private readonly listeners = new Set<CandleListener>();
  private stopping = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Index of the last candle delivered; -1 before the first. */
  delivered = -1;

  constructor(series: CandleSeries, speed: ReplaySpeed, options: ReplayFeedOptions = {}) {
    if (speed !== 'max' && !(speed > 0)) throw new Error(`replay speed must be 'max' or > 0 candles/s, got ${speed}`);
    const firstIndex = options.firstIndex ?? 0;
    if (!Number.isInteger(firstIndex) || firstIndex < 0 || firstIndex >= Math.max(series.length, 1)) {
      throw new Error(`firstIndex must be a candle index of the series (0…${series.length - 1}), got ${firstIndex}`);
    }
    this.series = series;
    this.speed = speed;
    this.firstIndex = firstIndex;
  }

  subscribe(listener: CandleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  closedIndex(): number {
    return Math.max(this.delivered, this.firstIndex - 1);
  }

  /** Begins the replay (once). */
  start(): void {
    this.running ??= this.play();
  }

  get finished(): boolean {
    return this.delivered >= this.series.length - 1;
  }

  /** Stops after the candle in flight has been handled by every subscriber. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  private async play(): Promise<void> {
    const periodMs = this.speed === 'max' ? 0 : 1000 / this.speed;
    let scheduleStart = 0;
    for (let index = this.firstIndex; index < this.series.length && !this.stopping; index++) {
      this.delivered = index;
      await Promise.all([...this.listeners].map((listener) => listener(this.series, index)));
      // The schedule starts once the first candle is handled (with it the bots warm up on the history), and each
      // candle is due a period after the previous one's due time, not after it was handled: the bots' time does not
      // add up, so the replay keeps its speed while they keep up, and falls behind (then catches up at full speed)
      // only when they cannot.
      if (index === this.firstIndex) scheduleStart = performance.now();
      const played = index - this.firstIndex + 1;
      await this.pause(Math.max(0, scheduleStart + played * periodMs - performance.now()));
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms > 0 ? setTimeout(done, ms) : setImmediate(done);
      this.wake = done;
      function done() {
        clearTimeout(timer as NodeJS.Timeout);
        resolve();
      }
    });
  }
}
