/** One ReplayFeed per market (symbol and timeframe), made on first subscription and shared by all bots. */
import type { CandleSource } from './candle-source.ts';
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
  private readonly feeds = new Map<string, ReplayFeed>();

  constructor(source: CandleSource, speed: ReplaySpeed) {
    this.source = source;
    this.speed = speed;
  }

  /** The market's feed; throws MissingMarketDataError when the source has no candles for it. */
  feed(symbol: string, timeframe: string): ReplayFeed {
    const key = `${symbol}@${timeframe}`;
    let feed = this.feeds.get(key);
    if (feed === undefined) {
      const series = this.source.candles(symbol, timeframe);
      if (series === null) throw new MissingMarketDataError(symbol, timeframe, this.source);
      feed = new ReplayFeed(series, this.speed);
      this.feeds.set(key, feed);
    }
    return feed;
  }

  subscribe(symbol: string, timeframe: string, listener: CandleListener): () => void {
    return this.feed(symbol, timeframe).subscribe(listener);
  }

  /** Begins the replay of every market subscribed to so far (markets already playing go on). */
  start(): void {
    for (const feed of this.feeds.values()) feed.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.feeds.values()].map((feed) => feed.stop()));
  }
}
