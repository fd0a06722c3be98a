/**
 * Keel's feature source: turns each closed candle of each symbol into that symbol's normalised feature vector
 * (FEATURE_NAMES; definitions in README.md), with no look-ahead — every value at candle i is a function of
 * candles 0…i of its symbol, of the reference symbol's candles already fed, and of optional data stamped no
 * later than candle i's close.
 *
 * Hot path: one reused Float32Array per symbol, per-symbol state in plain arrays indexed by symbolIndex, no
 * allocation, closure or Map lookup per candle. Candles of a symbol must be fed in order, each exactly once;
 * symbols are interleaved by time (as the backtester and the live worker do) for the correlation to pair. Over
 * stored history (replayHistory) a symbol's candle-derived columns are computed a block of candles at a time.
 */
import type { CandleSeries } from '../market/types.ts';
import { clampFeature, clipFeature } from './clamp-feature.ts';
import { DecisionClock } from './decision-clock.ts';
import { FEATURE_INDEX, FEATURE_NAMES, type FeatureName } from './feature-names.ts';
import { type FeatureEngineOptions, type ResolvedFeatureOptions, resolveFeatureOptions } from './feature-options.ts';
import { FeatureRows } from './feature-rows.ts';
import { ReferenceCorrelation, ReferenceReturns } from './reference-correlation.ts';
import { SymbolFeatures } from './symbol-features.ts';
import { TimedInput } from './timed-input.ts';
import type { FeatureSource } from './types.ts';

/**
 * Funding rate per interval that maps to 1: 0.1%, ten times the usual 0.01% baseline, so ordinary rates sit
 * near 0.1 and the ±0.5% extremes of a squeeze reach the ±5 clip.
 */
export const FUNDING_RATE_SCALE = 0.001;

/**
 * Candles of a symbol whose candle-derived features are computed together when its history is final (see
 * replayHistory). Large enough that moving between symbols costs little per candle, small enough that a
 * symbol's rows (4 bytes per feature per candle) stay in the cache until read.
 */
const CANDLES_COMPUTED_TOGETHER = 128;

const {
  btc_correlation: CORRELATION,
  btc_correlation_available: CORRELATION_AVAILABLE,
  order_book_imbalance: ORDER_BOOK_IMBALANCE,
  order_book_available: ORDER_BOOK_AVAILABLE,
  funding_rate: FUNDING_RATE,
  funding_available: FUNDING_AVAILABLE,
} = FEATURE_INDEX;

export class FeatureEngine implements FeatureSource {
  readonly names: readonly FeatureName[] = FEATURE_NAMES;
  readonly symbols: readonly string[];
  /** The reference symbol of `btc_correlation`, or null when the run has none (the feature is masked). */
  readonly referenceSymbol: string | null;
  readonly options: Readonly<ResolvedFeatureOptions>;
  /**
   * Per feature, how many leading candles of a symbol give a value that is undefined (written as 0) or still
   * depends on history older than its windows.
   */
  readonly featureWarmups: Readonly<Record<FeatureName, number>>;
  /**
   * The largest of `featureWarmups`: a symbol's vectors for its first `warmupCandles` candles are not ready;
   * from the next one on every feature is defined and agrees within 1e-6 with what any longer history gives.
   */
  readonly warmupCandles: number;

  private readonly states: SymbolFeatures[];
  private readonly rows: FeatureRows[];
  /** Per symbol, the series declared final by replayHistory (its candles may be computed ahead), or null. */
  private readonly finalSeries: (CandleSeries | null)[];
  private readonly vectors: Float32Array[];
  private readonly correlations: ReferenceCorrelation[];
  private readonly referenceReturns = new ReferenceReturns();
  private readonly referenceIndex: number;
  private readonly candlesSeen: Float64Array;
  private readonly clock: DecisionClock;
  private readonly orderBookImbalance: TimedInput;
  private readonly fundingRate: TimedInput;
  /** Whether an order-book imbalance or a funding rate was ever set; until then their columns are all 0. */
  private optionalDataSet = false;

  constructor(options: FeatureEngineOptions) {
    const resolved = resolveFeatureOptions(options);
    const symbolCount = resolved.symbols.length;
    this.options = resolved;
    this.symbols = resolved.symbols;
    this.referenceIndex = resolved.referenceIndex;
    this.referenceSymbol = resolved.referenceIndex >= 0 ? (resolved.symbols[resolved.referenceIndex] as string) : null;
    this.states = resolved.symbols.map(() => new SymbolFeatures(resolved, CANDLES_COMPUTED_TOGETHER));
    this.vectors = resolved.symbols.map(() => new Float32Array(FEATURE_NAMES.length));
    this.rows = this.vectors.map((vector) => new FeatureRows(CANDLES_COMPUTED_TOGETHER, FEATURE_NAMES.length, vector));
    this.finalSeries = resolved.symbols.map(() => null);
    this.correlations = resolved.symbols.map(() => new ReferenceCorrelation(resolved.correlationWindow));
    this.candlesSeen = new Float64Array(symbolCount);
    this.clock = new DecisionClock(symbolCount, resolved.candleMs);
    this.orderBookImbalance = new TimedInput(symbolCount, resolved.orderBookMaxAgeMs);
    this.fundingRate = new TimedInput(symbolCount, resolved.fundingRateMaxAgeMs);
    this.featureWarmups = (this.states[0] as SymbolFeatures).warmups;
    this.warmupCandles = Math.max(...Object.values(this.featureWarmups));
  }

  /**
   * Feeds candle `index` of `series` (the symbol `symbols[symbolIndex]`) and returns its feature vector: the
   * same Float32Array for a symbol every time, overwritten by its next update.
   */
  update(symbolIndex: number, series: CandleSeries, index: number): Float32Array {
    const out = this.vectors[symbolIndex] as Float32Array;
    const rows = this.rows[symbolIndex] as FeatureRows;
    if (series === this.finalSeries[symbolIndex]) {
      if (!rows.holds(series, index)) this.computeRows(symbolIndex, series, index);
      rows.takeRow(out);
    } else rows.feedOne(this.states[symbolIndex] as SymbolFeatures, series, index);
    this.candlesSeen[symbolIndex] = (this.candlesSeen[symbolIndex] as number) + 1;
    this.writeCorrelation(symbolIndex, series, index, out);
    this.writeOptionalData(symbolIndex, series, index, out);
    return out;
  }

  /**
   * Declares `seriesList` (in symbol order) stored history whose candles are all final and will each be fed, in
   * order: a backtest. A symbol's candle-derived features may then be computed up to CANDLES_COMPUTED_TOGETHER
   * candles ahead of their update, in one go (FeatureRows), with the same values bit for bit. A series whose
   * symbol is not the engine's at its index is computed candle by candle, as without this call.
   */
  replayHistory(seriesList: readonly CandleSeries[]): void {
    seriesList.forEach((series, symbolIndex) => {
      if (series.symbol === this.symbols[symbolIndex]) this.finalSeries[symbolIndex] = series;
    });
  }

  /** Feeds the symbol's features candle `index` of its final series and the next candles of its block with it. */
  private computeRows(symbolIndex: number, series: CandleSeries, index: number): void {
    const rows = this.rows[symbolIndex] as FeatureRows;
    const count = Math.max(1, Math.min(rows.capacity, series.length - index));
    rows.fill(this.states[symbolIndex] as SymbolFeatures, series, index, count);
  }

  /**
   * The correlation columns. Like the other steps of `update`, it takes the candle by series and index, not its
   * time and return: a call V8 does not inline would box those numbers (an allocation per candle).
   */
  private writeCorrelation(symbolIndex: number, series: CandleSeries, index: number, out: Float32Array): void {
    const time = series.time[index] as number;
    const rows = this.rows[symbolIndex] as FeatureRows;
    const logReturn = rows.logReturns[index - rows.start] as number;
    if (symbolIndex === this.referenceIndex) {
      this.referenceReturns.record(time, logReturn);
      out[CORRELATION] = 1;
      out[CORRELATION_AVAILABLE] = 1;
    } else if (this.referenceIndex < 0) {
      out[CORRELATION] = 0;
      out[CORRELATION_AVAILABLE] = 0;
    } else {
      const correlation = (this.correlations[symbolIndex] as ReferenceCorrelation).update(
        time,
        logReturn,
        this.referenceReturns,
      );
      const available = !Number.isNaN(correlation);
      // Already within [−1, 1] (ReturnPairCorrelation clamps its rounding), so no clamp: a call to one that V8
      // leaves out of this function's inlining budget would box the number (an allocation per candle).
      out[CORRELATION] = available ? correlation : 0;
      out[CORRELATION_AVAILABLE] = available ? 1 : 0;
    }
  }

  /** The order-book and funding columns: masked (0) until a value is set, then under the staleness rule. */
  private writeOptionalData(symbolIndex: number, series: CandleSeries, index: number, out: Float32Array): void {
    // The clock learns every symbol's candle length from the first candle on, whether or not data comes.
    this.clock.observe(symbolIndex, series.time, index);
    if (!this.optionalDataSet) {
      out[ORDER_BOOK_IMBALANCE] = 0;
      out[ORDER_BOOK_AVAILABLE] = 0;
      out[FUNDING_RATE] = 0;
      out[FUNDING_AVAILABLE] = 0;
      return;
    }
    const decisionTime = this.clock.closeTime(symbolIndex, series.time[index] as number);
    const imbalance = this.orderBookImbalance.read(symbolIndex, decisionTime);
    out[ORDER_BOOK_IMBALANCE] = clampFeature(imbalance, -1, 1);
    out[ORDER_BOOK_AVAILABLE] = Number.isNaN(imbalance) ? 0 : 1;
    const funding = this.fundingRate.read(symbolIndex, decisionTime);
    out[FUNDING_RATE] = clipFeature(funding / FUNDING_RATE_SCALE);
    out[FUNDING_AVAILABLE] = Number.isNaN(funding) ? 0 : 1;
  }

  /** Whether the symbol's last vector is past the warm-up: every feature defined and history-independent. */
  isReady(symbolIndex: number): boolean {
    return (this.candlesSeen[symbolIndex] as number) > this.warmupCandles;
  }

  /**
   * Order-book imbalance of the symbol observed at `time` (ms): (bid qty − ask qty) / (bid qty + ask qty) over
   * the levels the source reads, in [−1, 1] (clamped). Used for candles closing within `orderBookMaxAgeMs`
   * after `time`; a non-finite value clears it.
   */
  setOrderBookImbalance(symbolIndex: number, value: number, time: number): void {
    this.orderBookImbalance.set(symbolIndex, value, time);
    this.optionalDataSet = true;
  }

  /**
   * Funding rate per interval of the symbol's perpetual (0.0001 = 0.01%) in effect from `time` (ms). Used for
   * candles closing within `fundingRateMaxAgeMs` after `time`; a non-finite value clears it.
   */
  setFundingRate(symbolIndex: number, rate: number, time: number): void {
    this.fundingRate.set(symbolIndex, rate, time);
    this.optionalDataSet = true;
  }
}
