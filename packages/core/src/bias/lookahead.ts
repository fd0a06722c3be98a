/**
 * Look-ahead bias check, after freqtrade's lookahead-analysis: a strategy's decisions on data cut at many random
 * points must equal its decisions on the full data up to each cut. A strategy (or feature) that reads a candle
 * after the one that just closed decides differently once that candle is missing, and the check names the first
 * decision that differs. It runs the real backtest engine, so the pipeline, sizing and fills are covered too.
 */
import { runBacktest } from '../backtest/engine.ts';
import type { ExecutionCosts } from '../backtest/execution-costs.ts';
import type { FeatureSource } from '../features/types.ts';
import { type CandleSeries, sliceSeries } from '../market/types.ts';
import type { Action, Decision, DecisionContext, Strategy, StrategyFactory } from '../strategy/types.ts';

export interface LookaheadOptions {
  /** How many random cut points; default 20. */
  cuts?: number;
  /** Seed of the cut points, so a failure can be replayed; default 1. */
  seed?: number;
  costs?: Partial<ExecutionCosts>;
  /** A fresh feature source per run (state must not leak between runs); default none. */
  createFeatures?: (symbols: readonly string[]) => FeatureSource;
}

export interface DecisionDifference {
  cutTime: number;
  symbol: string;
  time: number;
  full: RecordedDecision;
  cut: RecordedDecision;
}

export interface LookaheadReport {
  cuts: number[];
  decisionsCompared: number;
  /** Null when every decision matched. */
  firstDifference: DecisionDifference | null;
}

export interface RecordedDecision {
  action: Action;
  targetExposure: number;
  confidence: number;
  /** The features the strategy saw, when the run has a feature source. */
  features: number[] | null;
}

/** Decisions per symbol per candle time, recorded by wrapping the strategy. */
type DecisionLog = Map<string, Map<number, RecordedDecision>>;

function recordingFactory(factory: StrategyFactory, log: DecisionLog): StrategyFactory {
  return (symbols) => {
    const inner: Strategy = factory(symbols);
    for (const symbol of symbols) log.set(symbol, new Map());
    return {
      name: inner.name,
      warmupCandles: inner.warmupCandles,
      onCandle(context: DecisionContext, out: Decision): void {
        inner.onCandle(context, out);
        const { series, index, features } = context;
        log.get(series.symbol)?.set(series.time[index] as number, {
          action: out.action,
          targetExposure: out.targetExposure,
          confidence: out.confidence,
          features: features === null ? null : Array.from(features),
        });
      },
    };
  };
}

function sameDecision(a: RecordedDecision, b: RecordedDecision): boolean {
  const sameNumber = (x: number, y: number) => Object.is(x, y) || x === y;
  if (
    a.action !== b.action ||
    !sameNumber(a.targetExposure, b.targetExposure) ||
    !sameNumber(a.confidence, b.confidence)
  ) {
    return false;
  }
  if (a.features === null || b.features === null) return a.features === b.features;
  return a.features.every((value, i) => sameNumber(value, b.features?.[i] as number));
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so cut points replay from the seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function run(seriesList: readonly CandleSeries[], factory: StrategyFactory, options: LookaheadOptions): DecisionLog {
  const log: DecisionLog = new Map();
  const symbols = seriesList.map((s) => s.symbol);
  runBacktest(seriesList, recordingFactory(factory, log), {
    features: options.createFeatures ? options.createFeatures(symbols) : null,
    ...(options.costs ? { costs: options.costs } : {}),
  });
  return log;
}

export function checkLookahead(
  seriesList: readonly CandleSeries[],
  factory: StrategyFactory,
  options: LookaheadOptions = {},
): LookaheadReport {
  const cutsWanted = options.cuts ?? 20;
  const random = seededRandom(options.seed ?? 1);
  const full = run(seriesList, factory, options);
  const allTimes = [...new Set(seriesList.flatMap((s) => Array.from(s.time)))].sort((a, b) => a - b);
  const cuts = Array.from(
    { length: cutsWanted },
    () => allTimes[Math.floor(random() * allTimes.length)] as number,
  ).sort((a, b) => a - b);
  let decisionsCompared = 0;
  for (const cutTime of cuts) {
    const cutSeries = seriesList.map((s) => sliceSeries(s, 0, upperBound(s.time, cutTime))).filter((s) => s.length > 0);
    const cut = run(cutSeries, factory, options);
    for (const [symbol, decisions] of cut) {
      const fullDecisions = full.get(symbol) as Map<number, RecordedDecision>;
      for (const [time, decision] of decisions) {
        decisionsCompared++;
        const reference = fullDecisions.get(time) as RecordedDecision;
        if (!sameDecision(reference, decision)) {
          return {
            cuts,
            decisionsCompared,
            firstDifference: { cutTime, symbol, time, full: reference, cut: decision },
          };
        }
      }
    }
  }
  return { cuts, decisionsCompared, firstDifference: null };
}

/** Number of elements ≤ value in an ascending array. */
function upperBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
