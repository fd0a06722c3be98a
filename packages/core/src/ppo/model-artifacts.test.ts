import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../features/feature-names.ts';
import { encodeModel } from './encode-model.ts';
import { MANIFEST_FORMAT, MANIFEST_FORMAT_VERSION, type ModelManifest } from './manifest.ts';
import { decodeModel, type ModelFiles } from './model-artifacts.ts';
import { ModelError } from './model-error.ts';
import { defaultNetworkShape, initialWeights, type NetworkWeights } from './network-shape.ts';
import { featureInputScale } from './normalisation.ts';
import { PolicyNetwork } from './policy-network.ts';
import { SeededRandom } from './seeded-random.ts';
import { chooseTfBackend } from './tf-backend.ts';

const SCORE = { totalReturn: 0.1, sharpe: 1.2, maxDrawdown: 0.05, trades: 3, candles: 100 };

function manifestFor(weights: NetworkWeights): ModelManifest {
  return {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    version: 'test-seed9',
    createdAt: '2026-01-01T00:00:00.000Z',
    seed: 9,
    features: [...FEATURE_NAMES],
    positionInputs: ['exposure'],
    normalisation: { method: 'divide-by-range-bound', scale: Array.from(featureInputScale()) },
    actions: { exposures: [0, 0.5, 1], labels: ['flat', 'half', 'full'], maxExposure: 1, rebalanceBand: 0.1 },
    network: { ...weights.shape, activation: 'tanh' },
    warmupCandles: 649,
    environment: { feeRate: 0.001, slippageBps: 5, maxExposure: 1, riskAversion: 0.5 },
    hyperParameters: {} as ModelManifest['hyperParameters'],
    trainWindows: [],
    validationWindows: [],
    training: { steps: 1, seconds: 1, stepsPerSecond: 1, backend: 'wasm', meanEpisodeReturn: 0, score: SCORE },
    validation: SCORE,
  };
}

describe('model artifacts', () => {
  let weights: NetworkWeights;
  let files: ModelFiles;
  beforeAll(async () => {
    await chooseTfBackend();
    weights = initialWeights(defaultNetworkShape(), new SeededRandom(9));
    files = await encodeModel(weights, manifestFor(weights));
  });

  const withManifest = (edit: (manifest: ModelManifest) => void): ModelFiles => {
    const manifest = JSON.parse(files.manifest) as ModelManifest;
    edit(manifest);
    return { ...files, manifest: JSON.stringify(manifest) };
  };

  it('round-trips: decoded weights equal the encoded ones bit for bit', () => {
    const model = decodeModel(files, FEATURE_NAMES);
    expect(model.weights.shape).toEqual(weights.shape);
    model.weights.tensors.forEach((tensor, i) => {
      expect(Array.from(tensor)).toEqual(Array.from(weights.tensors[i] as Float32Array));
    });
    expect(model.manifest.seed).toBe(9);
    expect(Array.from(model.inputScale)).toEqual(Array.from(featureInputScale()));
  });

  it('writes real tfjs format: tf.loadLayersModel reads it and predicts what the typed-array network computes', async () => {
    const topology = JSON.parse(files.topology);
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: topology.modelTopology,
        weightSpecs: topology.weightsManifest[0].weights,
        weightData: files.weights.slice().buffer,
      }),
    );
    const input = Float32Array.from({ length: weights.shape.inputSize }, (_, k) => Math.sin(k) * 0.8);
    const [logits, value] = loaded.predict(tf.tensor2d(input, [1, input.length])) as tf.Tensor[];
    const network = new PolicyNetwork(weights);
    network.forward(input);
    const expected = (logits as tf.Tensor).dataSync();
    for (let a = 0; a < 3; a++)
      expect(Math.abs((network.logits[a] as number) - (expected[a] as number))).toBeLessThan(1e-5);
    expect(Math.abs(network.value - ((value as tf.Tensor).dataSync()[0] as number))).toBeLessThan(1e-5);
    loaded.dispose();
  });

  it('refuses a model made for another feature set, naming the first differing column', () => {
    const renamed: string[] = [...FEATURE_NAMES];
    renamed[3] = 'rsi_14';
    expect(() => decodeModel(files, renamed)).toThrow(
      /another feature set .*column 3 is "rsi" in the model, "rsi_14" in the engine/,
    );
    const shorter = withManifest((manifest) => {
      manifest.features = manifest.features.slice(0, -1);
    });
    expect(() => decodeModel(shorter, FEATURE_NAMES)).toThrow(/another feature set \(21 features; .* computes 22\)/);
  });

  it('refuses corrupt files: bad JSON, truncated weights, NaN weights, a foreign model.json', () => {
    expect(() => decodeModel({ ...files, manifest: '{"format": "keel-ppo",' }, FEATURE_NAMES)).toThrow(
      /manifest.json is not valid JSON/,
    );
    expect(() => decodeModel({ ...files, weights: files.weights.subarray(0, 1000) }, FEATURE_NAMES)).toThrow(
      /weights.bin has 1000 bytes; model.json describes 23824/,
    );
    const poisoned = files.weights.slice();
    new DataView(poisoned.buffer).setFloat32(8, Number.NaN, true);
    expect(() => decodeModel({ ...files, weights: poisoned }, FEATURE_NAMES)).toThrow(
      /weight trunk_1\/kernel\[2\] is NaN; the model is corrupt/,
    );
    expect(() => decodeModel({ ...files, topology: '{"format": "graph-model"}' }, FEATURE_NAMES)).toThrow(
      /not a tfjs layers model/,
    );
    expect(() => decodeModel({ ...files, topology: 'nope' }, FEATURE_NAMES)).toThrow(ModelError);
    const future = withManifest((manifest) => {
      (manifest as { formatVersion: number }).formatVersion = 2;
    });
    expect(() => decodeModel(future, FEATURE_NAMES)).toThrow(/format version 2; this Keel reads version 1/);
  });
});
