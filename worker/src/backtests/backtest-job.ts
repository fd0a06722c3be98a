/**
 * One backtest submitted through the API, run to its stored result: the core's backtester over the candles
 * (backtest-candles.ts) with the strategy the request names, built as a bot's would be (strategy-for-bot.ts: the
 * same agents, the platform's promoted PPO model), the risk manager bots run unless the request says 'none', and
 * the features the agents read. Pure computation: backtest-thread.ts runs it off the worker's event loop.
 */
import type { RiskTolerance } from '@keel/core/agents/types.ts';
import { runBacktest } from '@keel/core/backtest/engine.ts';
import { type BacktestDocument, backtestDocument } from '@keel/core/backtest/result-document.ts';
import { FeatureEngine } from '@keel/core/features/feature-engine.ts';
import type { CandleSeries } from '@keel/core/market/types.ts';
import { approveAll } from '@keel/core/risk/approve-all.ts';
import { RiskManager } from '@keel/core/risk/risk-manager.ts';
import type { AgentConfig } from '@keel/db';
import { strategyForBot } from '../bots/strategy-for-bot.ts';
import { silentLogger } from '../logger.ts';
import { currentModelDir } from '../models/model-files.ts';

/** The request as the API stored it (contract BacktestCreate, defaults filled in). */
export interface BacktestJobRequest {
  strategy: string;
  params: Record<string, number>;
  feeRate: number;
  initialCashQuote: number;
  risk: 'default' | 'none';
}

export interface BacktestJob {
  request: BacktestJobRequest;
  series: CandleSeries[];
  /** Where each symbol's candles came from, in order. */
  origins: string[];
  /** Candles before this only warm up features and strategy; null: trade from the first. */
  startTradingAt: number | null;
  riskTolerance: RiskTolerance;
  modelsDir: string | null;
}

/** What is stored as the backtest's result: `keel backtest --json`'s document and what it ran on. */
export interface BacktestJobResult extends BacktestDocument {
  strategy: string;
  candles: { symbol: string; origin: string; first: number; last: number; count: number }[];
}

/** A stored result stays a few hundred kB at most: the equity curve is thinned past this many points. */
export const MAX_STORED_EQUITY_POINTS = 5_000;

export class BacktestJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BacktestJobError';
  }
}

/** The bot agent configuration that runs the requested strategy. */
function agentsFor(request: BacktestJobRequest): AgentConfig[] {
  switch (request.strategy) {
    case 'sma-cross':
      return [{ name: 'sma-cross', ...request.params }];
    case 'ensemble':
      return [];
    default:
      return [{ name: request.strategy }];
  }
}

export function runBacktestJob(job: BacktestJob): BacktestJobResult {
  const { request } = job;
  if (request.strategy === 'ppo' && (job.modelsDir === null || currentModelDir(job.modelsDir) === null)) {
    throw new BacktestJobError('ppo needs a promoted PPO model, and this platform has none (keel train, then promote)');
  }
  const symbols = job.series.map((series) => series.symbol);
  const chosen = strategyForBot(agentsFor(request), symbols, {
    riskTolerance: job.riskTolerance,
    modelsDir: job.modelsDir,
    logger: silentLogger,
  });
  if (request.strategy === 'ppo' && !chosen.description.startsWith('PPO')) {
    throw new BacktestJobError('ppo: the promoted PPO model was refused (it does not fit this version of Keel)');
  }
  const result = runBacktest(job.series, () => chosen.strategy, {
    initialCashQuote: request.initialCashQuote,
    costs: { takerFeeRate: request.feeRate, makerFeeRate: request.feeRate },
    risk: request.risk === 'none' ? approveAll : new RiskManager(),
    features: chosen.readsFeatures ? new FeatureEngine({ symbols }) : null,
    ...(job.startTradingAt === null ? {} : { startTradingAt: job.startTradingAt }),
  });
  return {
    ...backtestDocument(result, MAX_STORED_EQUITY_POINTS),
    strategy: chosen.description,
    candles: job.series.map((series, i) => ({
      symbol: series.symbol,
      origin: job.origins[i] as string,
      first: series.time[0] as number,
      last: series.time[series.length - 1] as number,
      count: series.length,
    })),
  };
}
