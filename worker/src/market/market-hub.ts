/** One feed per market (symbol and timeframe: a ReplayFeed, or a LiveFeed from a live source), made on first subscription and shared by all bots. */
import type { CandleSeries } from '@keel/core/market/types.ts';
import type { CandleRecorder } from './candle-recorder.ts';
import type { CandleSource, MarketFeed } from './candle-source.ts';
import { type CandleListener, ReplayFeed, type ReplaySpeed } from './replay-feed.ts';

export class MissingMarketDataError extends Error {
  constructor(symbol: string, timeframe: string, source: CandleSource) {
    super(`no candles for ${symbol} at ${timeframe} in the ${source.description}`);
    this.name = 'MissingMarketDataError';
  }
}

export class MarketHub {
  readonly source: CandleSource;
  private readonly speed: ReplaySpeed;
  private readonly feeds = new Map<string, MarketFeed>();

  /** Writes each market's closed candles to the warm tier once, whatever the number of bots on it. */
  private readonly recorder: CandleRecorder | undefined;

  constructor(source: CandleSource, speed: ReplaySpeed, recorder?: CandleRecorder) {
    this.source = source;
    this.speed = speed;
    this.recorder = recorder;
  }

  private record(symbol: string, timeframe: string, feed: MarketFeed): void {
    const recorder = this.recorder;
    if (recorder !== undefined)
      feed.subscribe(async (series, index) => recorder.record(symbol, timeframe, series, index));
  }

  /** The market's feed; throws MissingMarketDataError when the source has no candles for it. */
  feed(symbol: string, timeframe: string): MarketFeed {
    const key = `${symbol}@${timeframe}`;
    let feed = this.feeds.get(key);
    if (feed === undefined && this.source.liveFeed !== undefined) {
      feed = this.source.liveFeed(symbol, timeframe);
      this.feeds.set(key, feed);
      this.record(symbol, timeframe, feed);
    }
    if (feed === undefined) {
      const series = this.source.candles(symbol, timeframe);
      if (series === null) throw new MissingMarketDataError(symbol, timeframe, this.source);
      feed = new ReplayFeed(series, this.speed);
      this.feeds.set(key, feed);
      this.record(symbol, timeframe, feed);
    }
    return feed;
  }

  subscribe(symbol: string, timeframe: string, listener: CandleListener): () => void {
    return this.feed(symbol, timeframe).subscribe(listener);
  }

  /** The market's candles and the index of its newest closed one that a new subscriber will not be handed. */
  closed(symbol: string, timeframe: string): { series: CandleSeries; index: number } {
    const feed = this.feed(symbol, timeframe);
    return { series: feed.series, index: feed.closedIndex() };
  }

  /** Begins the replay of every market subscribed to so far (markets already playing go on). */
  start(): void {
    for (const feed of this.feeds.values()) feed.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.feeds.values()].map((feed) => feed.stop()));
  }
}
