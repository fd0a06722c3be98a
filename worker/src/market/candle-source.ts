/**
 * Where replayed candles come from. A source hands out the whole series of one market; the ReplayFeed plays it
 * candle by candle at the configured speed, and strategies only ever read candles up to the one just closed.
 * Implementations: csv-source.ts (real candles, /work/shared/data) and synthetic-source.ts (no data folder).
 */
import type { CandleSeries } from '@keel/core/market/types.ts';
import type { CandleListener } from './replay-feed.ts';

/** What the MarketHub shares among a market's bots: ReplayFeed (a series played back) or LiveFeed (ccxt). */
export interface MarketFeed {
  /** The candles so far (a replay: all of them). */
  readonly series: CandleSeries;
  subscribe(listener: CandleListener): () => void;
  /**
   * Index in `series` of the newest candle that has closed and that a subscriber joining now will not be handed
   * (delivered already, or history): -1 when none. A bot (re)started mid-stream catches up to it at once.
   */
  closedIndex(): number;
  start(): void;
  stop(): Promise<void>;
}

export interface CandleSource {
  /** One line for the logs: what the bots are trading on. */
  readonly description: string;
  /** Every candle of `symbol` at `timeframe`, oldest first; null when the source has none for that market. */
  candles(symbol: string, timeframe: string): CandleSeries | null;
  /** Live sources (ccxt-candle-source.ts) hand out a feed of candles as they close instead of a series. */
  liveFeed?(symbol: string, timeframe: string): MarketFeed;
}
