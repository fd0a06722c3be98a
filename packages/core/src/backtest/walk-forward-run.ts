/**
 * Walk-forward backtest: for each split, the strategy is (re)built from its training window — `fit` trains a
 * model there; rule strategies ignore it — and then trades only the test window that follows. Each test run
 * starts flat with the previous window's final equity and with warm indicators (the training candles feed the
 * pipeline without trading), so the stitched equity curve is one continuous out-of-sample account. A position
 * still open when a window ends is valued at that window's last close (no exit fee) and the next window starts flat.
 */
import type { FeatureSource } from '../features/types.ts';
import { type CandleSeries, sliceSeries } from '../market/types.ts';
import type { StrategyFactory } from '../strategy/types.ts';
import { type BacktestOptions, type BacktestResult, runBacktest } from './engine.ts';
import { type ClosedTrade, computeMetrics, type Metrics } from './metrics.ts';
import { type WalkForwardOptions, type WalkForwardSplit, walkForwardSplits } from './walk-forward.ts';

export interface WalkForwardWindow {
  split: WalkForwardSplit;
  trainFrom: number;
  testFrom: number;
  testTo: number;
  result: BacktestResult;
}

export interface WalkForwardResult {
  windows: WalkForwardWindow[];
  trades: ClosedTrade[];
  equity: { time: Float64Array; equity: Float64Array };
  metrics: Metrics;
}

export interface WalkForwardRunOptions extends WalkForwardOptions {
  backtest?: Omit<BacktestOptions, 'startTradingAt' | 'initialCashQuote'>;
  initialCashQuote?: number;
  /** Builds the strategy for one window from its training candles; default: the same factory every window. */
  fit?: (training: readonly CandleSeries[]) => StrategyFactory;
  /**
   * A fresh feature source per window, for strategies that read features. A FeatureSource keeps streaming state
   * and must see each candle once in order, so one instance cannot serve two windows; overrides backtest.features.
   */
  createFeatures?: (symbols: readonly string[]) => FeatureSource;
}

const DEFAULT_INITIAL_CASH_QUOTE = 10_000;

/** The distinct candle times of all series, ascending: the axis splits are counted on. */
function timeline(seriesList: readonly CandleSeries[]): Float64Array {
  return Float64Array.from(new Set(seriesList.flatMap((s) => Array.from(s.time)))).sort();
}

/** Candles of `series` with from ≤ time < to. */
function sliceByTime(series: CandleSeries, from: number, to: number): CandleSeries {
  const start = series.time.findIndex((t) => t >= from);
  if (start < 0) return sliceSeries(series, series.length, series.length);
  let end = start;
  while (end < series.length && (series.time[end] as number) < to) end++;
  return sliceSeries(series, start, end);
}

export function runWalkForward(
  seriesList: readonly CandleSeries[],
  strategy: StrategyFactory,
  options: WalkForwardRunOptions,
): WalkForwardResult {
  const axis = timeline(seriesList);
  const splits = walkForwardSplits(axis.length, options);
  const windows: WalkForwardWindow[] = [];
  let cash = options.initialCashQuote ?? DEFAULT_INITIAL_CASH_QUOTE;
  for (const split of splits) {
    const trainFrom = axis[split.trainStart] as number;
    const testFrom = axis[split.testStart] as number;
    const testTo = split.testEnd < axis.length ? (axis[split.testEnd] as number) : Number.POSITIVE_INFINITY;
    const training = seriesList.map((s) => sliceByTime(s, trainFrom, testFrom)).filter((s) => s.length > 0);
    const factory = options.fit ? options.fit(training) : strategy;
    const window = seriesList.map((s) => sliceByTime(s, trainFrom, testTo)).filter((s) => s.length > 0);
    const result = runBacktest(window, factory, {
      ...options.backtest,
      ...(options.createFeatures ? { features: options.createFeatures(window.map((s) => s.symbol)) } : {}),
      initialCashQuote: cash,
      startTradingAt: testFrom,
    });
    cash = result.metrics.endEquity;
    windows.push({ split, trainFrom, testFrom, testTo, result });
  }
  return stitch(windows, candleMsOf(axis));
}

function candleMsOf(axis: Float64Array): number {
  let smallest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < axis.length; i++) smallest = Math.min(smallest, (axis[i] as number) - (axis[i - 1] as number));
  return Number.isFinite(smallest) ? smallest : 1;
}

function stitch(windows: WalkForwardWindow[], candleMs: number): WalkForwardResult {
  const points = windows.reduce((n, w) => n + w.result.equity.time.length, 0);
  const time = new Float64Array(points);
  const equity = new Float64Array(points);
  let offset = 0;
  let candlesInMarket = 0;
  for (const window of windows) {
    time.set(window.result.equity.time, offset);
    equity.set(window.result.equity.equity, offset);
    offset += window.result.equity.time.length;
    candlesInMarket += Math.round(window.result.metrics.exposure * window.result.metrics.candles);
  }
  const trades = windows.flatMap((w) => w.result.trades);
  return {
    windows,
    trades,
    equity: { time, equity },
    metrics: computeMetrics({ time, equity }, trades, candlesInMarket, candleMs),
  };
}
