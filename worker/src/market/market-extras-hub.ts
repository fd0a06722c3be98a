/**
 * Order-book imbalance and funding rate per market, polled once per market for every bot trading it (the extras'
 * counterpart of the MarketHub): the first bot to watch a symbol starts its polls, the last to leave stops them.
 * Each poll's outcome goes into the symbol's ReadingHistory with its time; a bot deciding on a candle hands its
 * feature engine what was known at the candle's close (`applyTo`), and the engine masks it when older than its
 * max age. A poll that fails or brings an answer that fails its checks is logged with the reason (once per new
 * reason, and once when it recovers) and masks the reading until the next good one; it never reaches a bot as an
 * error. Replays and the synthetic market have no hub: their features stay masked.
 * With `takerFlow`, each watched market also keeps one trade stream (taker-flow-stream.ts) whose taker buy/sell
 * imbalance goes into the decision's signal vector (`taker_flow_imbalance`), not the 22 feature columns: the saved
 * models read those, and a column more would change their input.
 */
import { maskSignal, setSignal } from '@keel/core/signals/signal-vector.ts';
import type { Logger } from '../logger.ts';
import type { MarketExtrasSource, TimedReading } from './market-extras-source.ts';
import { type PollLoop, startPollLoop } from './poll-loop.ts';
import { ReadingHistory } from './reading-history.ts';
import type { TakerFlowStream } from './taker-flow-stream.ts';

export interface MarketExtrasHubOptions {
  source: MarketExtrasSource;
  logger: Logger;
  /** How often each watched market's order book is read; default 15 s; null: never (masked). */
  orderBookPollMs?: number | null;
  /** How often each watched market's funding rate is read; default 60 s; null: never (masked). */
  fundingPollMs?: number | null;
  /** Opens the trade stream of a market when its first bot watches it; default none (the signal stays masked). */
  takerFlow?: ((symbol: string) => TakerFlowStream) | null;
  /** Stamps failures; default Date.now. */
  now?: () => number;
}

/** Four readings a minute: always one within the engine's 60 s order-book max age before a close, at 20 weight/min. */
export const DEFAULT_ORDER_BOOK_POLL_MS = 15_000;
/** Binance recomputes the predicted rate every few seconds, but a minute old is fresh next to a 9 h max age. */
export const DEFAULT_FUNDING_POLL_MS = 60_000;

/** What applyTo writes to: the feature engine's optional-data setters. */
export interface MarketExtrasSink {
  setOrderBookImbalance(symbolIndex: number, value: number, timeMs: number): void;
  setFundingRate(symbolIndex: number, rate: number, timeMs: number): void;
}

type ExtraKind = 'order book' | 'funding rate';

interface WatchedMarket {
  watchers: number;
  orderBook: ReadingHistory;
  funding: ReadingHistory;
  polls: PollLoop[];
  takerFlow: TakerFlowStream | null;
  /** Per kind, the reason last logged for a masked reading; absent while it is fine. */
  problems: Map<ExtraKind, string>;
}

export class MarketExtrasHub {
  readonly source: MarketExtrasSource;
  private readonly logger: Logger;
  private readonly orderBookPollMs: number | null;
  private readonly fundingPollMs: number | null;
  private readonly takerFlow: ((symbol: string) => TakerFlowStream) | null;
  private readonly now: () => number;
  private readonly markets = new Map<string, WatchedMarket>();
  private readonly stopping = new Set<Promise<void>>();

  constructor(options: MarketExtrasHubOptions) {
    this.source = options.source;
    this.logger = options.logger;
    this.orderBookPollMs = options.orderBookPollMs === undefined ? DEFAULT_ORDER_BOOK_POLL_MS : options.orderBookPollMs;
    this.fundingPollMs = options.fundingPollMs === undefined ? DEFAULT_FUNDING_POLL_MS : options.fundingPollMs;
    this.takerFlow = options.takerFlow ?? null;
    this.now = options.now ?? Date.now;
  }

  /** Starts polling `symbol` (if no bot watched it yet); the returned function ends this watch. */
  watch(symbol: string): () => void {
    const market = this.markets.get(symbol) ?? this.startPolling(symbol);
    market.watchers++;
    let watching = true;
    return () => {
      if (!watching) return;
      watching = false;
      market.watchers--;
      if (market.watchers > 0) return;
      this.markets.delete(symbol);
      const stopped = Promise.all(market.polls.map((poll) => poll.stop())).then(() => {});
      this.stopping.add(stopped);
      void stopped.finally(() => this.stopping.delete(stopped));
    };
  }

  /** What was known of `symbol` at `decisionTimeMs`, or null (masked). */
  readingAt(kind: ExtraKind, symbol: string, decisionTimeMs: number): TimedReading | null {
    const market = this.markets.get(symbol);
    if (market === undefined) return null;
    return (kind === 'order book' ? market.orderBook : market.funding).at(decisionTimeMs);
  }

  /** The taker-flow imbalance of `symbol` known at `decisionTimeMs`, or null (masked). */
  takerFlowAt(symbol: string, decisionTimeMs: number): TimedReading | null {
    return this.markets.get(symbol)?.takerFlow?.readingAt(decisionTimeMs) ?? null;
  }

  /**
   * Sets (or clears: NaN) the engine's order book and funding for the candle of `symbol` closing at
   * `decisionTimeMs`, and the taker flow in the decision's `signals` vector when given (masked when unknown).
   */
  applyTo(
    features: MarketExtrasSink,
    symbolIndex: number,
    symbol: string,
    decisionTimeMs: number,
    signals?: Float32Array,
  ): void {
    const book = this.readingAt('order book', symbol, decisionTimeMs);
    features.setOrderBookImbalance(symbolIndex, book?.value ?? Number.NaN, book?.timeMs ?? decisionTimeMs);
    const funding = this.readingAt('funding rate', symbol, decisionTimeMs);
    features.setFundingRate(symbolIndex, funding?.value ?? Number.NaN, funding?.timeMs ?? decisionTimeMs);
    if (signals === undefined) return;
    const flow = this.takerFlowAt(symbol, decisionTimeMs);
    if (flow === null) maskSignal(signals, 'taker_flow_imbalance');
    else setSignal(signals, 'taker_flow_imbalance', flow.value);
  }

  /** Stops every poll (the worker's shutdown). */
  async stop(): Promise<void> {
    const polls = [...this.markets.values()].flatMap((market) => market.polls);
    this.markets.clear();
    await Promise.all([...polls.map((poll) => poll.stop()), ...this.stopping]);
  }

  private startPolling(symbol: string): WatchedMarket {
    const market: WatchedMarket = {
      watchers: 0,
      orderBook: new ReadingHistory(),
      funding: new ReadingHistory(),
      polls: [],
      takerFlow: null,
      problems: new Map(),
    };
    this.markets.set(symbol, market);
    if (this.takerFlow !== null) {
      const stream = this.takerFlow(symbol);
      stream.start();
      market.takerFlow = stream;
      market.polls.push(stream);
    }
    if (this.orderBookPollMs !== null) {
      market.polls.push(
        startPollLoop(this.orderBookPollMs, () =>
          this.pollOnce(symbol, market, 'order book', market.orderBook, () => this.source.orderBookImbalance(symbol)),
        ),
      );
    }
    if (this.fundingPollMs !== null) {
      market.polls.push(
        startPollLoop(this.fundingPollMs, () =>
          this.pollOnce(symbol, market, 'funding rate', market.funding, () => this.source.fundingRate(symbol)),
        ),
      );
    }
    return market;
  }

  private async pollOnce(
    symbol: string,
    market: WatchedMarket,
    kind: ExtraKind,
    history: ReadingHistory,
    read: () => Promise<TimedReading | null>,
  ): Promise<void> {
    try {
      const reading = await read();
      if (reading === null) {
        history.recordFailure(this.now());
        this.report(symbol, market, kind, `the venue lists no perpetual for ${symbol}`);
        return;
      }
      history.record(reading);
      if (market.problems.delete(kind)) this.logger.info({ symbol, feature: kind }, `${kind} of ${symbol} back`);
    } catch (error) {
      history.recordFailure(this.now());
      this.report(symbol, market, kind, error instanceof Error ? error.message : String(error));
    }
  }

  /** Logs why the reading is masked when the reason is new: a source failing every poll logs once, not 4× a minute. */
  private report(symbol: string, market: WatchedMarket, kind: ExtraKind, reason: string): void {
    if (market.problems.get(kind) === reason) return;
    market.problems.set(kind, reason);
    this.logger.warn({ symbol, feature: kind, reason, source: this.source.description }, `${kind} of ${symbol} masked`);
  }
}
