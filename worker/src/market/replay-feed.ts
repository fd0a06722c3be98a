/**
 * One market's replay, shared by every bot trading it: candles are delivered in order, each to every subscriber,
 * and the next candle waits until all of them have handled this one (a slow bot slows the replay, it never skips
 * a candle). The replay begins at start(), so the bots started together all see its first candle; a subscriber
 * that joins later receives the next index and catches up on its own (warm-up only: it trades from there on), and
 * one that joins a finished replay receives nothing.
 */
import type { CandleSeries } from '@keel/core/market/types.ts';

/** Candle `index` of `series` has closed; resolves when the subscriber has handled it. */
export type CandleListener = (series: CandleSeries, index: number) => Promise<void>;

/** Candles per second, or 'max' (as fast as the subscribers go: tests). */
export type ReplaySpeed = number | 'max';

export class ReplayFeed {
  readonly series: CandleSeries;
  private readonly speed: ReplaySpeed;
  private readonly listeners = new Set<CandleListener>();
  private stopping = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Index of the last candle delivered; -1 before the first. */
  delivered = -1;

  constructor(series: CandleSeries, speed: ReplaySpeed) {
    if (speed !== 'max' && !(speed > 0)) throw new Error(`replay speed must be 'max' or > 0 candles/s, got ${speed}`);
    this.series = series;
    this.speed = speed;
  }

  subscribe(listener: CandleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
    const pauseMs = this.speed === 'max' ? 0 : 1000 / this.speed;
    for (let index = 0; index < this.series.length && !this.stopping; index++) {
      this.delivered = index;
      await Promise.all([...this.listeners].map((listener) => listener(this.series, index)));
      await this.pause(pauseMs);
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
