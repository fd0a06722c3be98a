/**
 * One market's live candles by REST polling, shared by every bot trading it: each candle is emitted once, in open
 * time order, only after it has closed (the venue's last kline is the one still forming: never emitted). A missing
 * open time (a gap in the venue's answer, or candles missed while the worker was down) is asked for again before
 * anything newer is emitted; when the venue still has none — Binance has real holes, e.g. maintenance — the gap is
 * logged and counted, never filled with made-up candles.
 *
 * Each fetcher retries its own requests (backoff + jitter, shared rate limit); when one still fails the next one in
 * the list is asked (fallback: another venue's candles of the same market).
 * A poll that fails entirely emits nothing, and the next one resumes from the same open time: nothing is skipped.
 */
import type { Candle } from '@keel/core/market/types.ts';
import type { Logger } from '../logger.ts';
import type { CandleFetcher } from './candle-fetcher.ts';
import { timeframeMs } from './timeframe.ts';

export type ClosedCandleListener = (candle: Candle) => Promise<void>;

export interface ClosedCandlePollerOptions {
  symbol: string;
  timeframe: string;
  /** Tried in order; the next is the fallback when one fails after its retries. */
  fetchers: readonly CandleFetcher[];
  /** Open time of the first candle to emit. */
  firstOpenMs: number;
  logger: Logger;
  /** Candles per request (Binance spot allows 1000). */
  pageSize?: number;
  /** The venue's clock, as far as we know it: real time by default. */
  now?: () => number;
}

const DEFAULT_PAGE_SIZE = 1000;

export class ClosedCandlePoller {
  readonly symbol: string;
  readonly timeframe: string;
  /** Open time of the next candle to emit. */
  nextOpenMs: number;
  /** Open times the venue never had (logged once each). */
  readonly unfilledGaps: { fromMs: number; toMs: number }[] = [];
  private readonly candleMs: number;
  private readonly pageSize: number;
  private readonly options: ClosedCandlePollerOptions;
  private readonly now: () => number;
  private readonly listeners = new Set<ClosedCandleListener>();

  constructor(options: ClosedCandlePollerOptions) {
    if (options.fetchers.length === 0) throw new Error('a candle poller needs at least one fetcher');
    this.options = options;
    this.symbol = options.symbol;
    this.timeframe = options.timeframe;
    this.candleMs = timeframeMs(options.timeframe);
    this.pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (options.firstOpenMs % this.candleMs !== 0) throw new Error('firstOpenMs must be a candle open time');
    this.nextOpenMs = options.firstOpenMs;
    this.now = options.now ?? Date.now;
  }

  onClosed(listener: ClosedCandleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Emits every candle closed since the last poll; resolves with how many. Throws when every fetcher failed. */
  async poll(): Promise<number> {
    let emitted = 0;
    for (;;) {
      const formingOpenMs = Math.floor(this.now() / this.candleMs) * this.candleMs;
      if (this.nextOpenMs >= formingOpenMs) return emitted;
      const page = await this.fetch(this.nextOpenMs, undefined);
      const closed = page.filter((candle) => candle.time >= this.nextOpenMs && candle.time < formingOpenMs);
      if (closed.length === 0) {
        // Only the forming candle came back: the closed ones before it are missing. Nothing at all: not published yet.
        if (page.some((candle) => candle.time >= formingOpenMs)) emitted += await this.backFill(formingOpenMs);
        return emitted;
      }
      for (const candle of closed) {
        if (candle.time < this.nextOpenMs) continue;
        if (candle.time > this.nextOpenMs) emitted += await this.backFill(candle.time);
        await this.emit(candle);
        emitted++;
      }
    }
  }

  /**
   * A candle a stream (the websocket) saw close: emitted when it is the next one, after the open times before it
   * are back-filled by REST; dropped when it was emitted already (a REST poll got there first). Resolves with how
   * many candles were emitted.
   */
  async acceptClosed(candle: Candle): Promise<number> {
    if (candle.time % this.candleMs !== 0) {
      throw new Error(`streamed ${this.symbol} candle at ${candle.time} is not a ${this.timeframe} open time`);
    }
    if (candle.time < this.nextOpenMs) return 0;
    const backFilled = candle.time > this.nextOpenMs ? await this.backFill(candle.time) : 0;
    await this.emit(candle);
    return backFilled + 1;
  }

  /**
   * Asks for the open times [nextOpenMs, beforeMs) again, a page at a time (a streamed candle may come after a
   * longer outage than one page); whatever the venue still lacks is a real gap.
   */
  private async backFill(beforeMs: number): Promise<number> {
    this.options.logger.warn(
      { symbol: this.symbol, timeframe: this.timeframe, fromMs: this.nextOpenMs, beforeMs },
      'candle gap: back-filling',
    );
    let emitted = 0;
    while (this.nextOpenMs < beforeMs) {
      const lastMissingMs = Math.min(beforeMs - this.candleMs, this.nextOpenMs + (this.pageSize - 1) * this.candleMs);
      const page = await this.fetch(this.nextOpenMs, lastMissingMs);
      for (const candle of page) {
        if (candle.time < this.nextOpenMs || candle.time > lastMissingMs) continue;
        if (candle.time > this.nextOpenMs) this.skipGap(candle.time - this.candleMs);
        await this.emit(candle);
        emitted++;
      }
      if (this.nextOpenMs <= lastMissingMs) this.skipGap(lastMissingMs);
    }
    return emitted;
  }

  private skipGap(lastMissingMs: number): void {
    if (lastMissingMs < this.nextOpenMs) return;
    const gap = { fromMs: this.nextOpenMs, toMs: lastMissingMs };
    this.unfilledGaps.push(gap);
    this.options.logger.warn(
      { symbol: this.symbol, timeframe: this.timeframe, ...gap },
      'the venue has no candles for these open times: skipped, not filled',
    );
    this.nextOpenMs = lastMissingMs + this.candleMs;
  }

  private async emit(candle: Candle): Promise<void> {
    this.nextOpenMs = candle.time + this.candleMs;
    await Promise.all([...this.listeners].map((listener) => listener(candle)));
  }

  private async fetch(sinceMs: number, untilMs: number | undefined): Promise<Candle[]> {
    const { fetchers, logger } = this.options;
    let lastError: unknown = null;
    for (const fetcher of fetchers) {
      try {
        const candles = await fetcher.fetchCandles({
          symbol: this.symbol,
          timeframe: this.timeframe,
          sinceMs,
          limit: this.pageSize,
          ...(untilMs === undefined ? {} : { untilMs }),
        });
        return [...candles].sort((a, b) => a.time - b.time);
      } catch (error) {
        lastError = error;
        logger.error(
          { source: fetcher.name, symbol: this.symbol, error: error instanceof Error ? error.message : String(error) },
          'candle source failed: falling back to the next one',
        );
      }
    }
    throw lastError;
  }
}
