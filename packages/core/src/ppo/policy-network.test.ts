import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultNetworkShape, initialWeights } from './network-shape.ts';
import { PolicyNetwork } from './policy-network.ts';
import { SeededRandom } from './seeded-random.ts';
import { chooseTfBackend } from './tf-backend.ts';
import { buildTfModel, setModelWeights } from './tf-network.ts';

const TOLERANCE = 1e-5;
const BATCH = 200;

/** Weights larger than the initial ones (policy head included), so the test exercises every layer for real. */
function trainedLookingWeights(seed: number) {
  const shape = defaultNetworkShape();
  const weights = initialWeights(shape, new SeededRandom(seed));
  const random = new SeededRandom(seed + 1);
  for (const tensor of weights.tensors) for (let i = 0; i < tensor.length; i++) tensor[i] = (random.next() - 0.5) * 0.6;
  return weights;
}

function randomInputs(count: number, size: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: count * size }, () => random.next() * 2 - 1);
}

describe('PolicyNetwork (typed-array forward pass)', () => {
  beforeAll(async () => {
    await chooseTfBackend();
  });

  it('matches the tfjs model on logits and value to 1e-5', () => {
    const weights = trainedLookingWeights(7);
    const { inputSize } = weights.shape;
    const model = buildTfModel(weights.shape);
    setModelWeights(model, weights);
    const inputs = randomInputs(BATCH, inputSize, 3);
    const [logits, values] = model.predict(tf.tensor2d(inputs, [BATCH, inputSize])) as tf.Tensor[];
    const expectedLogits = (logits as tf.Tensor).dataSync();
    const expectedValues = (values as tf.Tensor).dataSync();
    const network = new PolicyNetwork(weights);
    let worst = 0;
    for (let b = 0; b < BATCH; b++) {
      network.forward(inputs, b * inputSize);
      for (let a = 0; a < weights.shape.actionCount; a++) {
        worst = Math.max(worst, Math.abs((network.logits[a] as number) - (expectedLogits[b * 3 + a] as number)));
      }
      worst = Math.max(worst, Math.abs(network.value - (expectedValues[b] as number)));
    }
    expect(worst).toBeLessThan(TOLERANCE);
    model.dispose();
  });

  it('gives probabilities that sum to 1 and a greedy action that is the most probable', () => {
    const network = new PolicyNetwork(trainedLookingWeights(11));
    const size = network.shape.inputSize;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
        network.forward(randomInputs(1, size, seed));
        const sum = network.probabilities.reduce((total, p) => total + p, 0);
        expect(sum).toBeCloseTo(1, 12);
        const greedy = network.greedyAction();
        for (const p of network.probabilities) expect(network.probabilities[greedy]).toBeGreaterThanOrEqual(p);
      }),
      { numRuns: 50 },
    );
  });

  it('computes d logit / d input that agrees with finite differences', () => {
    const network = new PolicyNetwork(trainedLookingWeights(5));
    const size = network.shape.inputSize;
    const input = randomInputs(1, size, 9);
    const gradient = new Float32Array(size);
    const step = 1e-3;
    for (let action = 0; action < 3; action++) {
      network.forward(input);
      network.logitGradient(action, gradient);
      for (const k of [0, 3, 10, size - 1]) {
        const probe = Float32Array.from(input);
        probe[k] = (input[k] as number) + step;
        network.forward(probe);
        const up = network.logits[action] as number;
        probe[k] = (input[k] as number) - step;
        network.forward(probe);
        const down = network.logits[action] as number;
        expect(gradient[k]).toBeCloseTo((up - down) / (2 * step), 3);
      }
    }
  });
});
