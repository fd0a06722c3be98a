/**
 * Taker buy/sell volume imbalance of one market over a rolling window: (buy − sell) / (buy + sell) in [−1, 1], +1
 * when every trade in the window lifted an ask. The window ending at a decision's time T holds the trades stamped
 * in (T − windowMs, T] — what had traded by the candle's close, never after it.
 *
 * A reading is only as good as the trade list behind it, so the window tracks its coverage: the span
 * [coveredFromMs, coveredUntilMs] in which every trade of the venue has been added. The reading at T is masked
 * (null) when that span does not hold the whole window, when the stream is failing and has not covered T, when it
 * lags more than `maxLagMs` behind T, or when no trade happened in the window (nothing to weigh). When the coverage
 * lags a little behind T, the window ends where it does and the reading carries that time.
 */
import type { MarketTrade } from './market-trade.ts';

export interface TakerFlowWindowOptions {
  /** Default 60 s. */
  windowMs?: number;
  /** How far the coverage may lag behind a decision's time; default 30 s. */
  maxLagMs?: number;
  /** How long trades are kept past the window, for decisions made a little late; default 5 min. */
  keepMs?: number;
}

export interface TakerFlowReading {
  /** (buy − sell) / (buy + sell) of the base amounts taken, in [−1, 1]. */
  readonly value: number;
  /** The end of the window the value describes (ms since epoch). */
  readonly timeMs: number;
}

export const DEFAULT_TAKER_FLOW_WINDOW_MS = 60_000;
const DEFAULT_MAX_LAG_MS = 30_000;
const DEFAULT_KEEP_MS = 5 * 60_000;

export class TakerFlowWindow {
  readonly windowMs: number;
  private readonly maxLagMs: number;
  private readonly keepMs: number;
  /** Trade times and signed base amounts (+ buy, − sell), oldest first, from `head` on. */
  private times: number[] = [];
  private signedAmounts: number[] = [];
  private head = 0;
  private coveredFrom = Number.POSITIVE_INFINITY;
  private coveredUntil = Number.NEGATIVE_INFINITY;
  private failing = false;

  constructor(options: TakerFlowWindowOptions = {}) {
    this.windowMs = options.windowMs ?? DEFAULT_TAKER_FLOW_WINDOW_MS;
    this.maxLagMs = options.maxLagMs ?? DEFAULT_MAX_LAG_MS;
    this.keepMs = options.keepMs ?? DEFAULT_KEEP_MS;
    if (!(this.windowMs > 0)) throw new RangeError(`the taker-flow window must be > 0 ms, got ${this.windowMs}`);
  }

  /** Until a window has passed since this moment nothing is read: the trades before it are unknown. */
  get coveredFromMs(): number {
    return this.coveredFrom;
  }

  /** Every trade up to this time has been added (−∞ before the first). */
  get coveredUntilMs(): number {
    return this.coveredUntil;
  }

  /** Coverage starts over at `fromMs`: the stream started, or lost trades before it. */
  restart(fromMs: number): void {
    this.times = [];
    this.signedAmounts = [];
    this.head = 0;
    this.coveredFrom = fromMs;
    this.coveredUntil = fromMs;
    this.failing = false;
  }

  /** Trades taken (new, in time order, none before the coverage's end). */
  add(trades: readonly MarketTrade[]): void {
    for (const trade of trades) {
      this.times.push(trade.timeMs);
      this.signedAmounts.push(trade.side === 'buy' ? trade.amountBase : -trade.amountBase);
    }
  }

  /** Every trade up to `untilMs` is in; the stream is healthy. */
  cover(untilMs: number): void {
    this.coveredUntil = Math.max(this.coveredUntil, untilMs);
    this.failing = false;
    this.forgetBefore(this.coveredUntil - this.windowMs - this.keepMs);
  }

  /** The stream failed: nothing past the coverage is read until it covers again. */
  fail(): void {
    this.failing = true;
  }

  /** The imbalance known at `decisionTimeMs`, or null (masked). */
  readingAt(decisionTimeMs: number): TakerFlowReading | null {
    const endMs = Math.min(decisionTimeMs, this.coveredUntil);
    if (endMs < decisionTimeMs && (this.failing || decisionTimeMs - endMs > this.maxLagMs)) return null;
    const startMs = endMs - this.windowMs;
    if (startMs < this.coveredFrom) return null;
    let buy = 0;
    let sell = 0;
    for (let at = this.firstAfter(startMs); at < this.times.length && (this.times[at] as number) <= endMs; at++) {
      const amount = this.signedAmounts[at] as number;
      if (amount > 0) buy += amount;
      else sell -= amount;
    }
    if (buy + sell === 0) return null;
    return { value: (buy - sell) / (buy + sell), timeMs: endMs };
  }

  /** Index of the first trade stamped after `timeMs` (binary search: times are in order). */
  private firstAfter(timeMs: number): number {
    let low = this.head;
    let high = this.times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.times[middle] as number) <= timeMs) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private forgetBefore(timeMs: number): void {
    this.head = this.firstAfter(timeMs);
    // Compacted once the forgotten part outweighs the kept one: amortised O(1) per trade.
    if (this.head > this.times.length / 2) {
      this.times = this.times.slice(this.head);
      this.signedAmounts = this.signedAmounts.slice(this.head);
      this.head = 0;
    }
  }
}
