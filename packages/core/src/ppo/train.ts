/**
 * PPO training: collect a rollout with the typed-array network (sampling actions from its softmax), compute GAE
 * advantages, update the tfjs model in minibatch epochs, copy its weights back, repeat. Episodes start at a
 * random candle of the training ranges (uniform over all their candles) and last episodeCandles candles or to the
 * range's end. Every random draw comes from one SeededRandom, so the same seed, data and options give the same
 * weights on the same backend.
 */

import { PPO_DEFAULTS, type PpoHyperParameters } from './hyper-parameters.ts';
import { decisionCount, type MarketRange } from './market-range.ts';
import { defaultNetworkShape, initialWeights, type NetworkWeights } from './network-shape.ts';
import { PolicyNetwork } from './policy-network.ts';
import { PpoUpdater, type UpdateStatistics } from './ppo-update.ts';
import { RolloutBuffer } from './rollout-buffer.ts';
import { SeededRandom } from './seeded-random.ts';
import { buildTfModel, modelVariables, readModelWeights, setModelWeights } from './tf-network.ts';
import { TradingEnvironment, type TradingEnvironmentOptions } from './trading-environment.ts';
import { TrainingError } from './training-error.ts';

export interface TrainingProgress {
  steps: number;
  totalSteps: number;
  episodes: number;
  /** Mean compounded return of the episodes that ended in the last rollout that ended any (0 before). */
  meanEpisodeReturn: number;
  update: UpdateStatistics;
}

export interface PpoTrainingOptions {
  seed: number;
  /** Environment steps to collect in all; rounded up to whole rollouts. */
  totalSteps: number;
  /** Feature k of an observation is multiplied by inputScale[k]. */
  inputScale: Float32Array;
  hyperParameters?: Partial<PpoHyperParameters>;
  environment?: TradingEnvironmentOptions;
  /** Called after each update. */
  onProgress?: (progress: TrainingProgress) => void;
}

export interface TrainingResult {
  weights: NetworkWeights;
  hyperParameters: PpoHyperParameters;
  steps: number;
  episodes: number;
  seconds: number;
  /** Last rollout's mean episode return. */
  meanEpisodeReturn: number;
  update: UpdateStatistics;
}

export function trainPpo(ranges: readonly MarketRange[], options: PpoTrainingOptions): TrainingResult {
  const hyper = { ...PPO_DEFAULTS, ...options.hyperParameters };
  validate(ranges, options, hyper);
  const started = performance.now();
  const random = new SeededRandom(options.seed);
  const shape = defaultNetworkShape(hyper.hiddenUnits);
  const weights = initialWeights(shape, random);
  const network = new PolicyNetwork(weights);
  const model = buildTfModel(shape);
  setModelWeights(model, weights);
  const updater = new PpoUpdater(model, modelVariables(model), hyper, shape.inputSize);
  try {
    const buffer = new RolloutBuffer(hyper.rolloutSteps, shape.inputSize);
    const env = new TradingEnvironment((ranges[0] as MarketRange).market, options.inputScale, options.environment);
    const sampler = new EpisodeSampler(ranges, hyper.episodeCandles, random);
    const collector = new RolloutCollector(env, network, sampler, random, hyper.discount);
    const rollouts = Math.max(1, Math.ceil(options.totalSteps / hyper.rolloutSteps));
    let episodes = 0;
    let meanEpisodeReturn = 0;
    let update: UpdateStatistics = { policyLoss: 0, valueLoss: 0, entropy: 0, clipFraction: 0 };
    for (let rollout = 0; rollout < rollouts; rollout++) {
      const { finished, returnsSum } = collector.fill(buffer);
      network.forward(env.observation);
      buffer.computeAdvantages(hyper.discount, hyper.gaeLambda, network.value);
      update = updater.update(buffer, random);
      readModelWeights(model, weights);
      episodes += finished;
      if (finished > 0) meanEpisodeReturn = returnsSum / finished;
      options.onProgress?.({
        steps: (rollout + 1) * hyper.rolloutSteps,
        totalSteps: rollouts * hyper.rolloutSteps,
        episodes,
        meanEpisodeReturn,
        update,
      });
    }
    return {
      weights,
      hyperParameters: hyper,
      steps: rollouts * hyper.rolloutSteps,
      episodes,
      seconds: (performance.now() - started) / 1000,
      meanEpisodeReturn,
      update,
    };
  } finally {
    updater.dispose();
    model.dispose();
  }
}

/**
 * Plays the current policy in the environment, sampling each action from its softmax, until a buffer is full;
 * episodes run on across buffers, a new one starting (at a random candle) whenever one ends.
 */
class RolloutCollector {
  private readonly env: TradingEnvironment;
  private readonly network: PolicyNetwork;
  private readonly sampler: EpisodeSampler;
  private readonly random: SeededRandom;
  private readonly discount: number;
  /** The observation an action is chosen on (the environment's own moves on with the step). */
  private readonly observation: Float32Array;
  private episodeEnd: number;

  constructor(
    env: TradingEnvironment,
    network: PolicyNetwork,
    sampler: EpisodeSampler,
    random: SeededRandom,
    discount: number,
  ) {
    this.env = env;
    this.network = network;
    this.sampler = sampler;
    this.random = random;
    this.discount = discount;
    this.observation = new Float32Array(network.shape.inputSize);
    this.episodeEnd = sampler.start(env);
  }

  /** Refills `buffer`; returns how many episodes ended and the sum of their compounded returns. */
  fill(buffer: RolloutBuffer): { finished: number; returnsSum: number } {
    const { env, network, observation } = this;
    buffer.clear();
    let finished = 0;
    let returnsSum = 0;
    while (buffer.size < buffer.capacity) {
      observation.set(env.observation);
      network.forward(observation);
      const action = sampleAction(network.probabilities, this.random);
      const logProbability = Math.log(network.probabilities[action] as number);
      const reward = env.step(action);
      buffer.add(observation, action, logProbability, network.value, reward);
      if (env.index >= this.episodeEnd) {
        network.forward(env.observation);
        buffer.endEpisode(this.discount, network.value);
        returnsSum += env.equityQuote - 1;
        finished++;
        this.episodeEnd = this.sampler.start(env);
      }
    }
    return { finished, returnsSum };
  }
}

/** Index drawn from `probabilities` (which sum to 1). */
function sampleAction(probabilities: Float64Array, random: SeededRandom): number {
  let u = random.next();
  for (let a = 0; a < probabilities.length - 1; a++) {
    u -= probabilities[a] as number;
    if (u < 0) return a;
  }
  return probabilities.length - 1;
}

/** Picks episode starts uniformly over all decision candles of the ranges. */
class EpisodeSampler {
  private readonly ranges: readonly MarketRange[];
  private readonly cumulative: Float64Array;
  private readonly episodeCandles: number;
  private readonly random: SeededRandom;

  constructor(ranges: readonly MarketRange[], episodeCandles: number, random: SeededRandom) {
    this.ranges = ranges;
    this.episodeCandles = episodeCandles;
    this.random = random;
    this.cumulative = new Float64Array(ranges.length);
    let total = 0;
    ranges.forEach((range, r) => {
      total += decisionCount(range);
      this.cumulative[r] = total;
    });
  }

  /** Resets `env` at a random start; returns the candle index at which the episode ends. */
  start(env: TradingEnvironment): number {
    const total = this.cumulative[this.cumulative.length - 1] as number;
    const draw = this.random.below(total);
    let r = 0;
    while (draw >= (this.cumulative[r] as number)) r++;
    const range = this.ranges[r] as MarketRange;
    const offset = draw - (r === 0 ? 0 : (this.cumulative[r - 1] as number));
    const start = range.start + offset;
    env.reset(range.market, start);
    return Math.min(start + this.episodeCandles, range.end - 1);
  }
}

function validate(ranges: readonly MarketRange[], options: PpoTrainingOptions, hyper: PpoHyperParameters): void {
  if (ranges.length === 0 || ranges.every((range) => decisionCount(range) < 2)) {
    throw new TrainingError('no training candles: each market needs at least 3 candles after its warm-up');
  }
  if (!(Number.isInteger(options.seed) && options.seed >= 0)) {
    throw new TrainingError(`seed must be a whole number ≥ 0, got ${options.seed}`);
  }
  if (!(Number.isInteger(options.totalSteps) && options.totalSteps >= 1)) {
    throw new TrainingError(`steps must be a whole number ≥ 1, got ${options.totalSteps}`);
  }
  if (!(hyper.minibatchSize >= 1 && hyper.minibatchSize <= hyper.rolloutSteps)) {
    throw new TrainingError(`minibatch size ${hyper.minibatchSize} must be between 1 and the rollout size`);
  }
}
