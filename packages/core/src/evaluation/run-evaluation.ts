/**
 * Walk-forward evidence on real data (issue #3): every coin on its own, every strategy over the same splits —
 * train on trainCandles, test on the next testCandles, roll forward by testCandles — with fees and slippage, then
 * one row of out-of-sample metrics per strategy per coin and per strategy "overall" (the equal-weight portfolio of
 * the coins' curves, equal-weight-curve.ts). Strategies: the four rule agents alone, PPO (trained per window on the
 * training candles by `fitPpo`), the ensemble (with the window's PPO model as fifth voter when there is one) and
 * buy-and-hold. Nothing here chooses anything on a test window: every parameter is fixed before the run.
 */

import { agentStrategy } from '../agents/index.ts';
import { type Agent, type RiskTolerance, RULE_AGENT_NAMES } from '../agents/types.ts';
import { type ClosedTrade, computeMetrics, type EquityCurve } from '../backtest/metrics.ts';
import { runWalkForward, type WalkForwardResult } from '../backtest/walk-forward-run.ts';
import { FeatureEngine } from '../features/feature-engine.ts';
import type { CandleSeries } from '../market/types.ts';
import type { StrategyFactory } from '../strategy/types.ts';
import { BUY_AND_HOLD, buyAndHold } from './buy-and-hold.ts';
import { equalWeightCurve } from './equal-weight-curve.ts';
import { type RegimeSegment, regimeTimeline } from './regime-timeline.ts';

/** Trains the PPO agent on one window's training candles and returns it for the test run. */
export type FitPpo = (training: readonly CandleSeries[]) => (symbols: readonly string[]) => Agent;

export interface EvaluationOptions {
  trainCandles: number;
  testCandles: number;
  /** Fee per side, fraction of notional; default 0.001. */
  feeRate?: number;
  /** Slippage against each fill; default 5 bps. */
  slippageBps?: number;
  /** The ensemble's risk tolerance; default 'medium'. */
  riskTolerance?: RiskTolerance;
  /** Without it there is no ppo row and the ensemble votes with the four rule agents. */
  fitPpo?: FitPpo;
  initialCashQuote?: number;
  /** Called after each strategy's walk-forward run on a coin. */
  onRun?: (coin: string, strategy: string) => void;
}

export const OVERALL = 'overall';
export const PPO = 'ppo';
export const ENSEMBLE = 'ensemble';

export interface EvaluationRow {
  strategy: string;
  /** The coin's symbol, or OVERALL. */
  coin: string;
  totalReturn: number;
  sharpe: number | null;
  sortino: number | null;
  maxDrawdown: number;
  winRate: number | null;
  trades: number;
}

export interface StrategyCurve {
  strategy: string;
  coin: string;
  curve: EquityCurve;
}

export interface CoinEvaluation {
  coin: string;
  runs: Map<string, WalkForwardResult>;
  /** The first test candle's open time and the end of the last test window, ms UTC. */
  testFrom: number;
  testTo: number;
  regimes: RegimeSegment[];
}

export interface Evaluation {
  strategies: string[];
  coins: CoinEvaluation[];
  rows: EvaluationRow[];
  curves: StrategyCurve[];
}

const DEFAULT_INITIAL_CASH_QUOTE = 10_000;
const HOUR_MS = 3_600_000;

export function runEvaluation(seriesList: readonly CandleSeries[], options: EvaluationOptions): Evaluation {
  const strategies = strategyNames(options.fitPpo !== undefined);
  const coins = seriesList.map((series) => evaluateCoin(series, strategies, options));
  const rows: EvaluationRow[] = [];
  const curves: StrategyCurve[] = [];
  for (const coin of coins) {
    for (const strategy of strategies) {
      const run = coin.runs.get(strategy) as WalkForwardResult;
      rows.push(rowOf(strategy, coin.coin, run.equity, run.trades, candleMsOf(run.equity)));
      curves.push({ strategy, coin: coin.coin, curve: run.equity });
    }
  }
  const startEquity = options.initialCashQuote ?? DEFAULT_INITIAL_CASH_QUOTE;
  for (const strategy of strategies) {
    const runs = coins.map((coin) => coin.runs.get(strategy) as WalkForwardResult);
    const curve = equalWeightCurve(
      runs.map((run) => run.equity),
      startEquity,
    );
    const trades = runs.flatMap((run) => run.trades);
    rows.push(rowOf(strategy, OVERALL, curve, trades, candleMsOf(curve)));
    curves.push({ strategy, coin: OVERALL, curve });
  }
  return { strategies, coins, rows, curves };
}

function strategyNames(withPpo: boolean): string[] {
  return [...RULE_AGENT_NAMES, ...(withPpo ? [PPO] : []), ENSEMBLE, BUY_AND_HOLD];
}

function evaluateCoin(series: CandleSeries, strategies: readonly string[], options: EvaluationOptions): CoinEvaluation {
  const ppoModels = new Map<number, (symbols: readonly string[]) => Agent>();
  // One PPO model per window, shared by the ppo row and the ensemble's voter: trained once on that window's
  // training candles, keyed by the window's first training candle.
  const ppoFor = (training: readonly CandleSeries[]) => {
    const key = (training[0] as CandleSeries).time[0] as number;
    let model = ppoModels.get(key);
    if (model === undefined) {
      model = (options.fitPpo as FitPpo)(training);
      ppoModels.set(key, model);
    }
    return model;
  };
  const runs = new Map<string, WalkForwardResult>();
  for (const strategy of strategies) {
    const fit = fitFor(strategy, options, ppoFor);
    const result = runWalkForward([series], buyAndHold, {
      trainCandles: options.trainCandles,
      testCandles: options.testCandles,
      ...(options.initialCashQuote === undefined ? {} : { initialCashQuote: options.initialCashQuote }),
      backtest: {
        costs: { takerFeeRate: options.feeRate ?? 0.001, slippageBps: options.slippageBps ?? 5 },
      },
      ...(strategy === BUY_AND_HOLD ? {} : { createFeatures: (names) => new FeatureEngine({ symbols: names }) }),
      fit,
    });
    runs.set(strategy, result);
    options.onRun?.(series.symbol, strategy);
  }
  const windows = (runs.get(BUY_AND_HOLD) as WalkForwardResult).windows;
  const testFrom = (windows[0] as (typeof windows)[number]).testFrom;
  const testTo = Math.min(
    (windows.at(-1) as (typeof windows)[number]).testTo,
    (series.time[series.length - 1] as number) + HOUR_MS,
  );
  return { coin: series.symbol, runs, testFrom, testTo, regimes: regimeTimeline(series, testFrom, testTo) };
}

/** The strategy of one window, built from its training candles (only PPO learns from them). */
function fitFor(
  strategy: string,
  options: EvaluationOptions,
  ppoFor: (training: readonly CandleSeries[]) => (symbols: readonly string[]) => Agent,
): (training: readonly CandleSeries[]) => StrategyFactory {
  const riskTolerance = options.riskTolerance ?? 'medium';
  if (strategy === BUY_AND_HOLD) return () => buyAndHold;
  if (strategy === PPO) return (training) => ppoFor(training);
  if (strategy === ENSEMBLE) {
    return (training) =>
      agentStrategy('ensemble', {
        riskTolerance,
        ...(options.fitPpo === undefined ? {} : { extraAgent: ppoFor(training) }),
      });
  }
  return () => agentStrategy(strategy as (typeof RULE_AGENT_NAMES)[number]);
}

function rowOf(
  strategy: string,
  coin: string,
  curve: EquityCurve,
  trades: readonly ClosedTrade[],
  candleMs: number,
): EvaluationRow {
  const metrics = computeMetrics(curve, trades, 0, candleMs);
  return {
    strategy,
    coin,
    totalReturn: metrics.totalReturn,
    sharpe: metrics.sharpe,
    sortino: metrics.sortino,
    maxDrawdown: metrics.maxDrawdown,
    winRate: metrics.winRate,
    trades: metrics.trades,
  };
}

/** The curve's candle length: its smallest step (gaps only make steps longer). */
function candleMsOf(curve: EquityCurve): number {
  let smallest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < curve.time.length; i++) {
    smallest = Math.min(smallest, (curve.time[i] as number) - (curve.time[i - 1] as number));
  }
  return Number.isFinite(smallest) ? smallest : HOUR_MS;
}
