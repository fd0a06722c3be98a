/**
 * The actor-critic network's shape and its weight tensors, in the order tfjs stores them: a shared trunk of two
 * tanh layers over the input (normalised features + position state), then a policy head (one logit per action)
 * and a value head (the critic's estimate of the discounted reward to come). Kernels are [inputs, units],
 * row-major, as tfjs Dense layers keep them.
 */
import { FEATURE_NAMES } from '../features/feature-names.ts';
import { ACTION_COUNT } from './actions.ts';
import type { SeededRandom } from './seeded-random.ts';

/** Inputs after the features: the position the agent holds, so it knows what an action would cost. */
export const POSITION_INPUTS = ['exposure'] as const;

export const DEFAULT_HIDDEN_UNITS = 64;

export interface NetworkShape {
  inputSize: number;
  hiddenUnits: number;
  actionCount: number;
}

export function defaultNetworkShape(hiddenUnits = DEFAULT_HIDDEN_UNITS): NetworkShape {
  return { inputSize: FEATURE_NAMES.length + POSITION_INPUTS.length, hiddenUnits, actionCount: ACTION_COUNT };
}

export interface WeightSpec {
  name: string;
  shape: number[];
}

/** Layer names in the tfjs model; weight names are `<layer>/kernel` and `<layer>/bias`. */
export const LAYER_NAMES = { trunk1: 'trunk_1', trunk2: 'trunk_2', policy: 'policy_logits', value: 'value' } as const;

export function weightSpecs(shape: NetworkShape): WeightSpec[] {
  const { inputSize, hiddenUnits, actionCount } = shape;
  const dense = (layer: string, inputs: number, units: number): WeightSpec[] => [
    { name: `${layer}/kernel`, shape: [inputs, units] },
    { name: `${layer}/bias`, shape: [units] },
  ];
  return [
    ...dense(LAYER_NAMES.trunk1, inputSize, hiddenUnits),
    ...dense(LAYER_NAMES.trunk2, hiddenUnits, hiddenUnits),
    ...dense(LAYER_NAMES.policy, hiddenUnits, actionCount),
    ...dense(LAYER_NAMES.value, hiddenUnits, 1),
  ];
}

export function elementCount(spec: WeightSpec): number {
  return spec.shape.reduce((product, size) => product * size, 1);
}

/** The network's parameters: one Float32Array per WeightSpec, same order. */
export interface NetworkWeights {
  shape: NetworkShape;
  tensors: Float32Array[];
}

/**
 * Scaled Glorot-uniform kernels, zero biases. The policy head starts 100× smaller so the first policy is close to
 * uniform (every action explored), as in the PPO reference implementations; the value head at gain 1.
 */
const GAINS: Record<string, number> = {
  [LAYER_NAMES.trunk1]: Math.SQRT2,
  [LAYER_NAMES.trunk2]: Math.SQRT2,
  [LAYER_NAMES.policy]: 0.01,
  [LAYER_NAMES.value]: 1,
};

export function initialWeights(shape: NetworkShape, random: SeededRandom): NetworkWeights {
  const tensors = weightSpecs(shape).map((spec) => {
    const values = new Float32Array(elementCount(spec));
    if (spec.shape.length === 2) {
      const [fanIn, fanOut] = spec.shape as [number, number];
      const layer = spec.name.slice(0, spec.name.indexOf('/'));
      const limit = (GAINS[layer] as number) * Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < values.length; i++) values[i] = (random.next() * 2 - 1) * limit;
    }
    return values;
  });
  return { shape, tensors };
}
