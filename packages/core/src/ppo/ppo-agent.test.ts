import { GCProfiler } from 'node:v8';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { AgentFeaturesError } from '../agents/features-required.ts';
import { runBacktest } from '../backtest/engine.ts';
import { FeatureEngine } from '../features/feature-engine.ts';
import { FEATURE_NAMES } from '../features/feature-names.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import { type CandleSeries, sliceSeries } from '../market/types.ts';
import type { Decision, DecisionContext } from '../strategy/types.ts';
import type { ModelManifest } from './manifest.ts';
import type { PpoModel } from './model-artifacts.ts';
import { defaultNetworkShape, initialWeights } from './network-shape.ts';
import { featureInputScale } from './normalisation.ts';
import { PolicyNetwork } from './policy-network.ts';
import { PpoAgent, ppoAgent } from './ppo-agent.ts';
import { SeededRandom } from './seeded-random.ts';

const WARMUP = 649;
/** At even 16 bytes a decision this would fill V8's young generation several times over. */
const DECISIONS = 1_000_000;

/** A model with weights large enough that its decisions change with the features. */
function testModel(): PpoModel {
  const weights = initialWeights(defaultNetworkShape(), new SeededRandom(21));
  const random = new SeededRandom(22);
  for (const tensor of weights.tensors) for (let i = 0; i < tensor.length; i++) tensor[i] = (random.next() - 0.5) * 0.8;
  const manifest = { actions: { maxExposure: 1 }, warmupCandles: WARMUP } as ModelManifest;
  return { manifest, weights, inputScale: featureInputScale() };
}

function decision(): Decision {
  return { action: 'hold', targetExposure: Number.NaN, confidence: 0, reason: '' };
}

describe.skipIf(!hasSharedData())('PpoAgent', () => {
  let eth: CandleSeries;
  beforeAll(() => {
    eth = sliceSeries(loadCandlesCsv(dataFile('ETH-USDT_1h.csv')), 20_000, 23_000);
  });

  it('trades in the backtester: buys and sells after the warm-up, confidence a probability', () => {
    const result = runBacktest([eth], ppoAgent(testModel()), {
      features: new FeatureEngine({ symbols: [eth.symbol] }),
      recordDecisions: true,
    });
    expect(result.decisions.length).toBeGreaterThan(10);
    const firstTime = eth.time[WARMUP] as number;
    for (const record of result.decisions) {
      expect(record.time).toBeGreaterThan(firstTime);
      expect(record.decision.confidence).toBeGreaterThan(0);
      expect(record.decision.confidence).toBeLessThanOrEqual(1);
      expect(record.decision.reason).toMatch(/^ppo policy: (flat|half|full) exposure$/);
    }
    expect(new Set(result.decisions.map((r) => r.decision.action))).toEqual(new Set(['buy', 'sell']));
  });

  it('explains a decision by gradient × input of the chosen logit, 0 for features it cannot see', () => {
    const model = testModel();
    const agent = new PpoAgent(model);
    const features = new Float32Array(FEATURE_NAMES.length).map((_, k) => (k % 5 === 0 ? 0 : Math.cos(k)));
    const context: DecisionContext = {
      symbolIndex: 0,
      series: eth,
      index: WARMUP + 10,
      features,
      positionQtyBase: 0,
      equityQuote: 1000,
    };
    const out = decision();
    agent.onCandle(context, out);
    const contributions = new Float32Array(FEATURE_NAMES.length);
    agent.explain(contributions);

    const network = new PolicyNetwork(model.weights);
    const input = new Float32Array(model.weights.shape.inputSize);
    input.set(features.map((value, k) => value * (model.inputScale[k] as number)));
    network.forward(input);
    const chosen = network.greedyAction();
    const step = 1e-3;
    for (let k = 0; k < FEATURE_NAMES.length; k++) {
      if (k % 5 === 0) {
        expect(Math.abs(contributions[k] as number)).toBe(0);
        continue;
      }
      const probe = Float32Array.from(input);
      probe[k] = (input[k] as number) + step;
      network.forward(probe);
      const up = network.logits[chosen] as number;
      probe[k] = (input[k] as number) - step;
      network.forward(probe);
      const slope = (up - (network.logits[chosen] as number)) / (2 * step);
      expect(contributions[k]).toBeCloseTo(slope * (input[k] as number), 3);
    }
  });

  it('allocates nothing per decision: a million decisions run without one garbage collection', () => {
    const agent = new PpoAgent(testModel());
    const out = decision();
    const context: DecisionContext = {
      symbolIndex: 0,
      series: eth,
      index: WARMUP + 10,
      features: new Float32Array(FEATURE_NAMES.length).map((_, k) => Math.sin(k)),
      positionQtyBase: 0,
      equityQuote: 1000,
    };
    const decide = (count: number) => {
      for (let i = 0; i < count; i++) {
        context.positionQtyBase = i & 1;
        agent.onCandle(context, out);
      }
    };
    decide(DECISIONS / 10);
    const profiler = new GCProfiler();
    profiler.start();
    decide(DECISIONS);
    expect(profiler.stop().statistics).toHaveLength(0);
  });

  it('holds during the warm-up, explains nothing then, and refuses to run without features', () => {
    const agent = new PpoAgent(testModel());
    const out = decision();
    const context: DecisionContext = {
      symbolIndex: 0,
      series: eth,
      index: 5,
      features: new Float32Array(FEATURE_NAMES.length),
      positionQtyBase: 0,
      equityQuote: 1000,
    };
    agent.onCandle(context, out);
    expect(out).toMatchObject({ action: 'hold', confidence: 0, reason: 'ppo: features warming up' });
    const contributions = new Float32Array(FEATURE_NAMES.length).fill(7);
    agent.explain(contributions);
    expect(contributions.every((value) => value === 0)).toBe(true);
    expect(() => agent.onCandle({ ...context, features: null }, out)).toThrow(AgentFeaturesError);
  });
});
