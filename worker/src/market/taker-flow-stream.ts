/**
 * One market's trades, kept in a TakerFlowWindow for the taker-flow reading: REST pages polled from the trade
 * cursor (trade-cursor.ts), and the exchange's websocket where ccxt.pro streams trades (websocketChoice with
 * `trades`), REST as the fallback. Both go through the one cursor, so switching leaves no gap and no duplicate:
 *
 * - While the websocket is down (not yet connected, failed, stalled, or sent a bad batch) each round polls REST from
 *   the cursor, page after page until a page is not full, and marks the window covered up to when that page was
 *   asked for. A REST failure or a bad page (market-trade.ts) marks the window failing: the reading is masked
 *   past what was covered, and the cursor stays, so the next good poll brings every trade that was missed.
 * - Once the websocket is up, its trades are held back until one REST poll that started after they began has
 *   brought the cursor to the present (the bridge over whatever traded while it was down); from then on each of its
 *   batches is taken at once and covers the window up to its arrival, and rounds ask REST nothing. When that REST
 *   poll fails instead (REST rate-limited or down, the websocket fine), the stream starts over at the first trade
 *   the websocket brought and goes on with it alone: the trades before are lost, so the reading waits a window.
 *
 * Coverage that fell further behind than MAX_CATCH_UP_MS (a long outage) starts over at the present minus the
 * window: trades older than that no decision reads. Failures are logged once per new reason, and once on recovery.
 */
import type { Logger } from '../logger.ts';
import type { TradePages } from './ccxt-trade-pages.ts';
import type { CcxtTradeStream } from './ccxt-trade-stream.ts';
import type { MarketTrade } from './market-trade.ts';
import { type PollLoop, startPollLoop } from './poll-loop.ts';
import { type TakerFlowReading, TakerFlowWindow, type TakerFlowWindowOptions } from './taker-flow-window.ts';
import { TradeCursor } from './trade-cursor.ts';

export type TradeSource = 'rest' | 'websocket';

/** What the worker's metrics count (observability/metrics.ts). */
export interface TakerFlowObserver {
  /** `count` new trades of `symbol` were taken from `source` (duplicates not counted). */
  tradesTaken(symbol: string, source: TradeSource, count: number): void;
  /** Every trade of `symbol` up to `untilMs` is in. */
  covered(symbol: string, untilMs: number): void;
}

export interface TakerFlowStreamOptions {
  symbol: string;
  pages: TradePages;
  /** The market's trade websocket; null: REST polling only. */
  websocket: CcxtTradeStream | null;
  logger: Logger;
  /** How often REST is polled while the websocket is not streaming; default 10 s. */
  pollMs?: number;
  /** Trades per REST page; default 1,000 (Binance's maximum, at the same weight as fewer). */
  pageLimit?: number;
  /** Pages per poll at most, so one market catching up does not hold the shared limiter; default 10. */
  maxPagesPerPoll?: number;
  window?: TakerFlowWindowOptions;
  observer?: TakerFlowObserver;
  now?: () => number;
}

/** Six readings a minute: a 60 s window at a decision is at most 10 s behind it, at 12 weight/min per market. */
export const DEFAULT_TRADE_POLL_MS = 10_000;
const DEFAULT_PAGE_LIMIT = 1_000;
const DEFAULT_MAX_PAGES_PER_POLL = 10;
/** A trade may show on REST a little after its time: each poll asks again from this far before the coverage. */
const REST_VISIBILITY_MS = 5_000;
/** Beyond this behind, catching up is not worth the requests (and Binance pages only an hour from `startTime`). */
const MAX_CATCH_UP_MS = 10 * 60_000;
/** Websocket trades held back while waiting for the bridge; past this the bridge starts over. */
const MAX_HELD_TRADES = 50_000;

export class TakerFlowStream {
  readonly symbol: string;
  private readonly options: TakerFlowStreamOptions;
  private readonly now: () => number;
  private readonly window: TakerFlowWindow;
  private readonly cursor: TradeCursor;
  private poll: PollLoop | null = null;
  /** The websocket's trades are taken as they come (the REST bridge is done). */
  private bridged = false;
  /** Bumped whenever the held trades stop being every trade since the websocket came up. */
  private websocketEpoch = 0;
  private held: MarketTrade[] = [];
  private heldUntilMs = Number.NEGATIVE_INFINITY;
  /** The reason last logged for the masked reading; null while fine. */
  private problem: string | null = null;

  constructor(options: TakerFlowStreamOptions) {
    this.options = options;
    this.symbol = options.symbol;
    this.now = options.now ?? Date.now;
    this.window = new TakerFlowWindow(options.window);
    const startMs = this.now() - this.window.windowMs;
    this.cursor = new TradeCursor(startMs);
    this.window.restart(startMs);
  }

  start(): void {
    if (this.poll !== null) return;
    this.options.websocket?.start({
      trades: (batch) => this.onWebsocketTrades(batch),
      health: (up, reason) => this.onWebsocketHealth(up, reason),
    });
    this.poll = startPollLoop(this.options.pollMs ?? DEFAULT_TRADE_POLL_MS, () => this.pollOnce());
  }

  async stop(): Promise<void> {
    await Promise.all([this.poll?.stop(), this.options.websocket?.stop()]);
  }

  /** The taker-flow imbalance known at `decisionTimeMs`, or null (masked). */
  readingAt(decisionTimeMs: number): TakerFlowReading | null {
    return this.window.readingAt(decisionTimeMs);
  }

  private async pollOnce(): Promise<void> {
    const websocket = this.options.websocket;
    if (websocket?.up === true && this.bridged) return;
    const bridgeEpoch = websocket?.up === true ? this.websocketEpoch : null;
    try {
      await this.catchUp();
    } catch (error) {
      this.window.fail();
      this.report(error instanceof Error ? error.message : String(error));
      const first = this.held[0];
      if (!this.bridgeStillValid(bridgeEpoch) || first === undefined) return;
      this.startOver('REST failed while the websocket streams: taking the websocket alone', first.timeMs);
    }
    if (this.bridgeStillValid(bridgeEpoch)) {
      this.bridged = true;
      this.takeFrom('websocket', this.held.splice(0), this.heldUntilMs);
      this.options.logger.info({ symbol: this.symbol }, 'trades by websocket: REST polling paused');
    }
  }

  /** The websocket is still up and its held trades are still all it brought since before `bridgeEpoch` was read. */
  private bridgeStillValid(bridgeEpoch: number | null): boolean {
    return bridgeEpoch !== null && this.options.websocket?.up === true && bridgeEpoch === this.websocketEpoch;
  }

  /** REST pages from the cursor to the present (or MAX pages); throws what the venue or the check threw. */
  private async catchUp(): Promise<void> {
    const { pages } = this.options;
    const limit = this.options.pageLimit ?? DEFAULT_PAGE_LIMIT;
    const behindMs = this.now() - this.window.coveredUntilMs;
    if (behindMs > MAX_CATCH_UP_MS) this.startOver(`${Math.round(behindMs / 1000)} s of trades not read`);
    for (let page = 0; page < (this.options.maxPagesPerPoll ?? DEFAULT_MAX_PAGES_PER_POLL); page++) {
      // Nothing was taken after the cursor, and everything up to the coverage is in: a quiet market's cursor
      // moves up with the coverage instead of asking for the same hour again and again.
      const sinceMs = Math.max(this.cursor.sinceMs, this.window.coveredUntilMs - REST_VISIBILITY_MS);
      if (sinceMs > this.cursor.sinceMs) this.cursor.restart(sinceMs);
      const askedAtMs = this.now();
      const trades = await pages.fetchPage(this.symbol, sinceMs, limit);
      if (trades.length < limit) {
        this.takeFrom('rest', trades, askedAtMs);
        return;
      }
      const newestMs = (trades[trades.length - 1] as MarketTrade).timeMs;
      if (this.takeFrom('rest', trades, newestMs - 1) === 0) {
        // A full page of one millisecond, all taken: paging by time cannot get past it.
        this.startOver(`more than ${limit} trades at ${newestMs}`, newestMs + 1);
        return;
      }
    }
  }

  /** Takes the new trades of `batch` into the window, covered up to `coveredUntilMs`; how many were new. */
  private takeFrom(source: TradeSource, batch: readonly MarketTrade[], coveredUntilMs: number): number {
    const fresh = this.cursor.take(batch);
    this.window.add(fresh);
    if (fresh.length > 0) this.options.observer?.tradesTaken(this.symbol, source, fresh.length);
    this.window.cover(coveredUntilMs);
    this.options.observer?.covered(this.symbol, this.window.coveredUntilMs);
    if (this.problem !== null) {
      this.problem = null;
      this.options.logger.info({ symbol: this.symbol, feature: 'taker flow' }, `taker flow of ${this.symbol} back`);
    }
    return fresh.length;
  }

  private onWebsocketTrades(batch: readonly MarketTrade[]): void {
    const receivedAtMs = this.now();
    if (this.bridged) {
      this.takeFrom('websocket', batch, receivedAtMs);
      return;
    }
    if (this.held.length + batch.length > MAX_HELD_TRADES) this.dropHeld();
    this.held.push(...batch);
    this.heldUntilMs = receivedAtMs;
  }

  private onWebsocketHealth(up: boolean, reason: string): void {
    this.bridged = false;
    this.dropHeld();
    if (!up) {
      this.options.logger.warn({ symbol: this.symbol, reason }, 'trade websocket down: polling REST');
    }
  }

  private dropHeld(): void {
    this.websocketEpoch++;
    this.held = [];
    this.heldUntilMs = Number.NEGATIVE_INFINITY;
  }

  /** Trades before `fromMs` are lost: the reading is masked until a window has passed. */
  private startOver(reason: string, fromMs = this.now() - this.window.windowMs): void {
    this.options.logger.warn({ symbol: this.symbol, reason }, `trades of ${this.symbol}: starting over`);
    this.cursor.restart(fromMs);
    this.window.restart(fromMs);
  }

  /** Logs why the reading is masked when the reason is new: a venue failing every poll logs once. */
  private report(reason: string): void {
    if (this.problem === reason) return;
    this.problem = reason;
    this.options.logger.warn(
      { symbol: this.symbol, feature: 'taker flow', reason, source: this.options.pages.name },
      `taker flow of ${this.symbol} masked`,
    );
  }
}
