/**
 * The PPO agent's speed, on 2 years of BTC-USDT hourly candles (synthetic candles without the shared data):
 * - training throughput in environment steps per second: the full PPO loop (rollout with the typed-array network
 *   + minibatch updates in tfjs), the rollout alone, and — the baseline — the environment stepped with random
 *   actions, which is what the network and the update cost on top of;
 * - batched inference for 10,000 bots' decisions on one candle: the typed-array forward pass vs tfjs's batched
 *   predict (the baseline) on the same weights;
 * - single-decision latency, p50 and p99, of PpoAgent.onCandle vs a one-row tfjs predict.
 * The target "one training run on 2 years of hourly candles in under 10 minutes" is checked with the default
 * step count extrapolated from the measured rate (README.md lists a real `keel train` run).
 */
import * as tf from '@tensorflow/tfjs';
import { loadCandlesCsv } from '../packages/core/src/market/csv.ts';
import { syntheticMarket } from '../packages/core/src/market/synthetic.ts';
import { type CandleSeries, sliceSeries } from '../packages/core/src/market/types.ts';
import type { ModelManifest } from '../packages/core/src/ppo/manifest.ts';
import type { MarketRange } from '../packages/core/src/ppo/market-range.ts';
import { defaultNetworkShape, initialWeights } from '../packages/core/src/ppo/network-shape.ts';
import { featureInputScale } from '../packages/core/src/ppo/normalisation.ts';
import { PolicyNetwork } from '../packages/core/src/ppo/policy-network.ts';
import { PpoAgent } from '../packages/core/src/ppo/ppo-agent.ts';
import { SeededRandom } from '../packages/core/src/ppo/seeded-random.ts';
import { chooseTfBackend } from '../packages/core/src/ppo/tf-backend.ts';
import { buildTfModel, setModelWeights } from '../packages/core/src/ppo/tf-network.ts';
import { TradingEnvironment } from '../packages/core/src/ppo/trading-environment.ts';
import { trainPpo } from '../packages/core/src/ppo/train.ts';
import { splitForValidation } from '../packages/core/src/ppo/training-data.ts';
import type { Decision, DecisionContext } from '../packages/core/src/strategy/types.ts';
import { dataFile, hasSharedData } from '../packages/core/test/shared-data.ts';
import { bestSeconds, formatRate, printTable, verdict } from './table.ts';

const TWO_YEARS_OF_HOURS = 2 * 8766;
const TRAINING_STEPS = 4 * 2048;
const BOTS = 10_000;
const LATENCY_SAMPLES = 20_000;
const REPEATS = 3;
/** `keel train`'s default step count, and the issue's wall-time target for it. */
const DEFAULT_TRAIN_STEPS = 200_000;
const TRAIN_TARGET_SECONDS = 600;

function twoYears(): { series: CandleSeries; source: string } {
  if (hasSharedData()) {
    const btc = loadCandlesCsv(dataFile('BTC-USDT_1h.csv'));
    return {
      series: sliceSeries(btc, btc.length - TWO_YEARS_OF_HOURS, btc.length),
      source: 'BTC-USDT 1h, last 2 years',
    };
  }
  return { series: syntheticMarket({ candles: TWO_YEARS_OF_HOURS }), source: 'SYNTHETIC candles (no shared data)' };
}

function stepRandomly(ranges: readonly MarketRange[], steps: number): void {
  const range = ranges[0] as MarketRange;
  const env = new TradingEnvironment(range.market, featureInputScale());
  const random = new SeededRandom(1);
  env.reset(range.market, range.start);
  for (let s = 0; s < steps; s++) {
    env.step(random.below(3));
    if (env.index >= range.end - 1) env.reset(range.market, range.start);
  }
}

function rolloutOnly(ranges: readonly MarketRange[], steps: number): void {
  const range = ranges[0] as MarketRange;
  const env = new TradingEnvironment(range.market, featureInputScale());
  const network = new PolicyNetwork(initialWeights(defaultNetworkShape(), new SeededRandom(1)));
  env.reset(range.market, range.start);
  for (let s = 0; s < steps; s++) {
    network.forward(env.observation);
    env.step(network.greedyAction());
    if (env.index >= range.end - 1) env.reset(range.market, range.start);
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

/** p50 and p99 of `body`'s latency in microseconds over LATENCY_SAMPLES calls. */
function latencyMicros(body: () => void): { p50: number; p99: number } {
  for (let i = 0; i < 1000; i++) body();
  const samples = new Float64Array(LATENCY_SAMPLES);
  for (let i = 0; i < samples.length; i++) {
    const started = performance.now();
    body();
    samples[i] = (performance.now() - started) * 1000;
  }
  samples.sort();
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

export async function benchPpo(): Promise<void> {
  const backend = await chooseTfBackend();
  const { series, source } = twoYears();
  const split = splitForValidation([series], 0.2);
  const inputScale = featureInputScale();

  const training = trainPpo(split.train, { seed: 1, totalSteps: TRAINING_STEPS, inputScale });
  const trainRate = training.steps / training.seconds;
  const rolloutRate = TRAINING_STEPS / bestSeconds(REPEATS, () => rolloutOnly(split.train, TRAINING_STEPS));
  const envRate = TRAINING_STEPS / bestSeconds(REPEATS, () => stepRandomly(split.train, TRAINING_STEPS));
  const projectedSeconds = DEFAULT_TRAIN_STEPS / trainRate;
  printTable(
    `PPO training throughput — ${source}, ${TRAINING_STEPS.toLocaleString('en-US')} steps, tfjs backend ${backend}`,
    [
      'run',
      'env steps/s',
      'vs environment alone (baseline)',
      `${DEFAULT_TRAIN_STEPS / 1000}k steps (keel train default)`,
    ],
    [
      [
        'PPO training (rollout + updates)',
        formatRate(trainRate),
        `${(envRate / trainRate).toFixed(0)}× slower`,
        `${projectedSeconds.toFixed(0)} s — target < ${TRAIN_TARGET_SECONDS} s ${verdict(projectedSeconds < TRAIN_TARGET_SECONDS)}`,
      ],
      [
        'rollout only (typed-array policy)',
        formatRate(rolloutRate),
        `${(envRate / rolloutRate).toFixed(0)}× slower`,
        '',
      ],
      ['environment alone, random actions (baseline)', formatRate(envRate), '1×', ''],
    ],
  );

  const weights = initialWeights(defaultNetworkShape(), new SeededRandom(2));
  const { inputSize } = weights.shape;
  const inputs = Float32Array.from({ length: BOTS * inputSize }, (_, i) => Math.sin(i) * 0.5);
  const network = new PolicyNetwork(weights);
  const actions = new Int32Array(BOTS);
  const typed = bestSeconds(REPEATS, () => {
    for (let b = 0; b < BOTS; b++) {
      network.forward(inputs, b * inputSize);
      actions[b] = network.greedyAction();
    }
  });
  const model = buildTfModel(weights.shape);
  setModelWeights(model, weights);
  const batched = bestSeconds(REPEATS, () => {
    tf.tidy(() => {
      const [logits] = model.predict(tf.tensor2d(inputs, [BOTS, inputSize])) as tf.Tensor[];
      (logits as tf.Tensor).argMax(1).dataSync();
    });
  });
  printTable(
    `PPO batched inference — ${BOTS.toLocaleString('en-US')} bots' decisions on one candle`,
    ['run', 'ms per candle', 'decisions/s', 'vs tfjs predict'],
    [
      [
        'typed-array forward pass',
        (typed * 1000).toFixed(2),
        formatRate(BOTS / typed),
        `${(batched / typed).toFixed(2)}×`,
      ],
      [`tfjs batched predict, ${backend} (baseline)`, (batched * 1000).toFixed(2), formatRate(BOTS / batched), '1.00×'],
    ],
  );

  const manifest = { actions: { maxExposure: 1 }, warmupCandles: 0 } as ModelManifest;
  const agent = new PpoAgent({ manifest, weights, inputScale });
  const context: DecisionContext = {
    symbolIndex: 0,
    series,
    index: 1000,
    features: inputs.subarray(0, inputSize - 1),
    positionQtyBase: 0,
    equityQuote: 1000,
  };
  const decision: Decision = { action: 'hold', targetExposure: 0, confidence: 0, reason: '' };
  const agentLatency = latencyMicros(() => agent.onCandle(context, decision));
  const oneRow = inputs.subarray(0, inputSize);
  const tfLatency = latencyMicros(() => {
    tf.tidy(() => {
      const [logits] = model.predict(tf.tensor2d(oneRow, [1, inputSize])) as tf.Tensor[];
      (logits as tf.Tensor).dataSync();
    });
  });
  model.dispose();
  printTable(
    'PPO single-decision latency',
    ['run', 'p50 µs', 'p99 µs', 'p50 vs tfjs'],
    [
      [
        'PpoAgent.onCandle (typed arrays)',
        agentLatency.p50.toFixed(2),
        agentLatency.p99.toFixed(2),
        `${(tfLatency.p50 / agentLatency.p50).toFixed(1)}×`,
      ],
      [`tfjs predict, 1 row, ${backend} (baseline)`, tfLatency.p50.toFixed(2), tfLatency.p99.toFixed(2), '1.0×'],
    ],
  );
}
