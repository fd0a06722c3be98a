/**
 * Feature vectors computed once per market for every bot of the worker on it, instead of one FeatureEngine per bot.
 *
 * Why it is exact: a bot feeds its pipeline every candle of its market's series from index 0 on, in order, warm-up
 * and live alike (bot-runner.ts catchUp), and a single-market engine's vector at candle i is a function of candles
 * 0…i alone. So the vector at index i is the same for every bot on the series, whenever it joined; one engine per
 * market computes it once and keeps it (22 floats, 88 bytes a candle), and a bot joining late warms up on copies.
 * A market is named by its symbol, candle length and first candle's open time: the hub's feeds only append, so
 * index i names the same candle for every bot on the same feed; a candle whose time differs is refused as a bug.
 *
 * Not shared (each such bot keeps its own engine, bot-runner.ts decides): bots on several markets, whose correlation
 * column pairs candles in the order that bot feeds them; bots whose engine gets market extras (order book, funding),
 * which each bot writes into its own engine at its own decision times.
 */
import { FeatureEngine } from '@keel/core/features/feature-engine.ts';
import { FEATURE_NAMES } from '@keel/core/features/feature-names.ts';
import type { FeatureSource } from '@keel/core/features/types.ts';
import type { CandleSeries } from '@keel/core/market/types.ts';

const WIDTH = FEATURE_NAMES.length;
/** Candles of room a market's history starts with; it doubles as the series grows. */
const INITIAL_CANDLES = 1_024;

/** One market's engine and every vector it produced, by candle index. */
class MarketFeatureHistory {
  private readonly engine: FeatureEngine;
  private vectors = new Float32Array(INITIAL_CANDLES * WIDTH);
  private times = new Float64Array(INITIAL_CANDLES);
  private length = 0;

  constructor(symbol: string, candleMs: number) {
    this.engine = new FeatureEngine({ symbols: [symbol], candleMs });
  }

  /** Writes the vector of candle `index` of `series` into `out`, computing the candles up to it first. */
  copyVector(series: CandleSeries, index: number, out: Float32Array): void {
    while (this.length <= index) this.append(series, this.length);
    if (this.times[index] !== series.time[index]) {
      throw new Error(
        `shared features of ${series.symbol}: candle ${index} opens at ${series.time[index]}, ` +
          `the market's history has ${this.times[index]}`,
      );
    }
    const vectors = this.vectors;
    const from = index * WIDTH;
    for (let k = 0; k < WIDTH; k++) out[k] = vectors[from + k] as number;
  }

  private append(series: CandleSeries, index: number): void {
    if (index === this.times.length) this.grow();
    this.vectors.set(this.engine.update(0, series, index), index * WIDTH);
    this.times[index] = series.time[index] as number;
    this.length = index + 1;
  }

  private grow(): void {
    const vectors = new Float32Array(this.vectors.length * 2);
    vectors.set(this.vectors);
    this.vectors = vectors;
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
  }
}

/** A bot's feature source on a shared market: its own vector (the pipeline's to read), filled from the history. */
class SharedFeatureSource implements FeatureSource {
  readonly names: readonly string[] = FEATURE_NAMES;
  private readonly registry: SharedFeatures;
  private readonly symbol: string;
  private readonly candleMs: number;
  private readonly vector = new Float32Array(WIDTH);
  private history: MarketFeatureHistory | null = null;

  constructor(registry: SharedFeatures, symbol: string, candleMs: number) {
    this.registry = registry;
    this.symbol = symbol;
    this.candleMs = candleMs;
  }

  update(_symbolIndex: number, series: CandleSeries, index: number): Float32Array {
    if (series.symbol !== this.symbol) {
      throw new Error(`shared features of ${this.symbol} fed a candle of ${series.symbol}`);
    }
    this.history ??= this.registry.history(this.symbol, this.candleMs, series.time[0] as number);
    this.history.copyVector(series, index, this.vector);
    return this.vector;
  }
}

/** The worker's shared feature histories, one per market its bots run on. */
export class SharedFeatures {
  private readonly markets = new Map<string, MarketFeatureHistory>();

  /** A feature source for a bot on the one market `symbol` at `candleMs`, as a FeatureEngine of its own would be. */
  source(symbol: string, candleMs: number): FeatureSource {
    return new SharedFeatureSource(this, symbol, candleMs);
  }

  /** Markets with a history kept. */
  get size(): number {
    return this.markets.size;
  }

  /** The history of the market whose series opens at `firstOpenMs`. */
  history(symbol: string, candleMs: number, firstOpenMs: number): MarketFeatureHistory {
    const key = `${symbol}@${candleMs}@${firstOpenMs}`;
    let history = this.markets.get(key);
    if (history === undefined) {
      history = new MarketFeatureHistory(symbol, candleMs);
      this.markets.set(key, history);
    }
    return history;
  }
}
