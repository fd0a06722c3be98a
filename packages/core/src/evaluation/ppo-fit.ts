/**
 * PPO for the walk-forward evaluation: one model per coin per window, trained with trainPpo on that window's
 * training candles only, then run as the PPO agent (alone, and as the ensemble's fifth voter) on the test window.
 * The model lives in memory (never written), so its manifest records the training run; its validation is the
 * walk-forward test window itself, scored by the evaluation, not here. Importing this file loads tfjs: call
 * chooseTfBackend() (ppo/tf-backend.ts) before the first fit.
 */
import type { Agent } from '../agents/types.ts';
import { FEATURE_NAMES } from '../features/feature-names.ts';
import type { CandleSeries } from '../market/types.ts';
import { scorePolicy } from '../ppo/evaluate.ts';
import { PPO_DEFAULTS } from '../ppo/hyper-parameters.ts';
import { buildManifest, type DataWindow } from '../ppo/manifest.ts';
import type { MarketRange } from '../ppo/market-range.ts';
import type { PpoModel } from '../ppo/model-artifacts.ts';
import { featureInputScale } from '../ppo/normalisation.ts';
import { PolicyNetwork } from '../ppo/policy-network.ts';
import { ppoAgent } from '../ppo/ppo-agent.ts';
import { resolveEnvironmentOptions, type TradingEnvironmentOptions } from '../ppo/trading-environment.ts';
import { trainPpo } from '../ppo/train.ts';
import { marketWindows } from '../ppo/training-data.ts';
import type { FitPpo } from './run-evaluation.ts';

export interface PpoFitOptions {
  /** Environment steps per window (rounded up to whole rollouts of at most PPO_DEFAULTS.rolloutSteps). */
  steps: number;
  seed: number;
  environment: TradingEnvironmentOptions;
  /** Called after each window's training with its wall time. */
  onTrained?: (symbol: string, seconds: number) => void;
}

const UNVALIDATED = { totalReturn: 0, sharpe: 0, maxDrawdown: 0, trades: 0, candles: 0 };

/** A FitPpo for runEvaluation that trains a fresh model per call. */
export function ppoFitter(options: PpoFitOptions): FitPpo {
  const environment = resolveEnvironmentOptions(options.environment);
  const inputScale = featureInputScale();
  // Short runs (tests, --ppo-steps below a rollout) use one rollout of exactly that size instead of 2048 steps.
  const rolloutSteps = Math.min(PPO_DEFAULTS.rolloutSteps, options.steps);
  const hyperParameters = {
    rolloutSteps,
    minibatchSize: Math.min(PPO_DEFAULTS.minibatchSize, rolloutSteps),
  };
  return (training: readonly CandleSeries[]): ((symbols: readonly string[]) => Agent) => {
    const { windows, warmupCandles } = marketWindows(training);
    const ranges: MarketRange[] = windows.map((market) => ({ market, start: warmupCandles, end: market.time.length }));
    const result = trainPpo(ranges, {
      seed: options.seed,
      totalSteps: options.steps,
      inputScale,
      hyperParameters,
      environment,
    });
    const score = scorePolicy(new PolicyNetwork(result.weights), inputScale, ranges, environment);
    const model: PpoModel = {
      weights: result.weights,
      inputScale,
      manifest: buildManifest({
        version: `walk-forward-${training.map((s) => s.symbol).join('+')}-${result.steps}`,
        createdAt: new Date().toISOString(),
        seed: options.seed,
        features: [...FEATURE_NAMES],
        maxExposure: environment.maxExposure,
        inputScale,
        shape: result.weights.shape,
        warmupCandles,
        environment,
        hyperParameters: result.hyperParameters,
        trainWindows: ranges.map(dataWindow),
        validationWindows: [],
        training: {
          steps: result.steps,
          seconds: result.seconds,
          stepsPerSecond: result.steps / result.seconds,
          backend: 'in-process',
          meanEpisodeReturn: result.meanEpisodeReturn,
          score,
        },
        validation: UNVALIDATED,
      }),
    };
    for (const series of training) options.onTrained?.(series.symbol, result.seconds);
    return ppoAgent(model);
  };
}

function dataWindow({ market, start, end }: MarketRange): DataWindow {
  return {
    symbol: market.symbol,
    from: new Date(market.time[start] as number).toISOString(),
    to: new Date(market.time[end - 1] as number).toISOString(),
    candles: end - start,
  };
}
