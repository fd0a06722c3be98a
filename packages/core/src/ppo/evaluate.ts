/**
 * How a policy does on a window it was not trained on: the greedy policy (most probable action every candle)
 * traded through the same environment — fees, slippage, position limit — from flat, and scored by its equity
 * curve. Over several markets, each is run on its own and the scores are averaged (equal weight per market).
 * Buy and hold through the same environment is the yardstick printed beside it.
 */
import { maxDrawdownOf, periodReturns, sharpeRatio } from '../backtest/metrics.ts';
import { ACTION_EXPOSURES } from './actions.ts';
import { candleMsOf, decisionCount, type MarketRange } from './market-range.ts';
import type { PolicyNetwork } from './policy-network.ts';
import { TradingEnvironment, type TradingEnvironmentOptions } from './trading-environment.ts';

const YEAR_MS = 365.25 * 24 * 3_600_000;

export interface PolicyScore {
  /** Compounded return after costs, e.g. 0.12 for +12%. */
  totalReturn: number;
  /** Annualised Sharpe of per-candle returns; 0 when undefined (no variance, e.g. never in the market). */
  sharpe: number;
  maxDrawdown: number;
  /** Candles on which the policy traded. */
  trades: number;
  candles: number;
}

export function scorePolicy(
  network: PolicyNetwork,
  inputScale: Float32Array,
  ranges: readonly MarketRange[],
  environment: TradingEnvironmentOptions,
): PolicyScore {
  return scoreActions(ranges, inputScale, environment, (observation) => {
    network.forward(observation);
    return network.greedyAction();
  });
}

/** The benchmark a model should be read against: all in (full exposure) from the first candle, held to the end. */
export function scoreBuyAndHold(ranges: readonly MarketRange[], environment: TradingEnvironmentOptions): PolicyScore {
  const width = ranges[0]?.market.width ?? 0;
  return scoreActions(ranges, new Float32Array(width), environment, () => FULL_EXPOSURE_ACTION);
}

const FULL_EXPOSURE_ACTION = ACTION_EXPOSURES.indexOf(1);

function scoreActions(
  ranges: readonly MarketRange[],
  inputScale: Float32Array,
  environment: TradingEnvironmentOptions,
  chooseAction: (observation: Float32Array) => number,
): PolicyScore {
  const scores = ranges
    .filter((range) => decisionCount(range) > 1)
    .map((range) => {
      const env = new TradingEnvironment(range.market, inputScale, environment);
      env.reset(range.market, range.start);
      const equity = new Float64Array(decisionCount(range) + 1);
      equity[0] = env.equityQuote;
      for (let t = 1; t < equity.length; t++) {
        env.step(chooseAction(env.observation));
        equity[t] = env.equityQuote;
      }
      const periodsPerYear = YEAR_MS / candleMsOf(range.market);
      return {
        totalReturn: (equity[equity.length - 1] as number) - 1,
        sharpe: sharpeRatio(periodReturns(equity), periodsPerYear) ?? 0,
        maxDrawdown: maxDrawdownOf(equity),
        trades: env.trades,
        candles: equity.length - 1,
      };
    });
  if (scores.length === 0) return { totalReturn: 0, sharpe: 0, maxDrawdown: 0, trades: 0, candles: 0 };
  const average = (pick: (score: PolicyScore) => number) =>
    scores.reduce((sum, score) => sum + pick(score), 0) / scores.length;
  return {
    totalReturn: average((s) => s.totalReturn),
    sharpe: average((s) => s.sharpe),
    maxDrawdown: average((s) => s.maxDrawdown),
    trades: scores.reduce((sum, s) => sum + s.trades, 0),
    candles: scores.reduce((sum, s) => sum + s.candles, 0),
  };
}
