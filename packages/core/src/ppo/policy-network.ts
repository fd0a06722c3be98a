/**
 * The actor-critic forward pass on plain typed arrays: what the agent runs at inference and what rollouts sample
 * from. Every buffer is allocated once in the constructor, so a decision allocates nothing; it matches the tfjs
 * model's output to 1e-5 (policy-network.test.ts). Sums are accumulated in float64, then rounded as tfjs's are.
 */
import type { NetworkShape, NetworkWeights } from './network-shape.ts';

export class PolicyNetwork {
  readonly shape: NetworkShape;
  /** After forward(): the policy's logits and their softmax, one per action, and the critic's value. */
  readonly logits: Float64Array;
  readonly probabilities: Float64Array;
  value = 0;
  private readonly trunk1Kernel: Float32Array;
  private readonly trunk1Bias: Float32Array;
  private readonly trunk2Kernel: Float32Array;
  private readonly trunk2Bias: Float32Array;
  private readonly policyKernel: Float32Array;
  private readonly policyBias: Float32Array;
  private readonly valueKernel: Float32Array;
  private readonly valueBias: Float32Array;
  private readonly hidden1: Float64Array;
  private readonly hidden2: Float64Array;
  private readonly gradient2: Float64Array;
  private readonly gradient1: Float64Array;

  constructor(weights: NetworkWeights) {
    this.shape = weights.shape;
    [
      this.trunk1Kernel,
      this.trunk1Bias,
      this.trunk2Kernel,
      this.trunk2Bias,
      this.policyKernel,
      this.policyBias,
      this.valueKernel,
      this.valueBias,
    ] = weights.tensors as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const { hiddenUnits, actionCount } = weights.shape;
    this.hidden1 = new Float64Array(hiddenUnits);
    this.hidden2 = new Float64Array(hiddenUnits);
    this.gradient2 = new Float64Array(hiddenUnits);
    this.gradient1 = new Float64Array(hiddenUnits);
    this.logits = new Float64Array(actionCount);
    this.probabilities = new Float64Array(actionCount);
  }

  /** Runs the network on `input` (inputSize values starting at `offset`); results in logits, probabilities, value. */
  forward(input: Float32Array, offset = 0): void {
    const { inputSize, hiddenUnits, actionCount } = this.shape;
    dense(input, offset, inputSize, this.trunk1Kernel, this.trunk1Bias, this.hidden1, hiddenUnits);
    tanhInPlace(this.hidden1);
    dense(this.hidden1, 0, hiddenUnits, this.trunk2Kernel, this.trunk2Bias, this.hidden2, hiddenUnits);
    tanhInPlace(this.hidden2);
    dense(this.hidden2, 0, hiddenUnits, this.policyKernel, this.policyBias, this.logits, actionCount);
    let value = this.valueBias[0] as number;
    for (let j = 0; j < hiddenUnits; j++) value += (this.hidden2[j] as number) * (this.valueKernel[j] as number);
    this.value = Math.fround(value);
    softmax(this.logits, this.probabilities);
  }

  /** The most probable action after forward(). */
  greedyAction(): number {
    let best = 0;
    for (let a = 1; a < this.probabilities.length; a++) {
      if ((this.probabilities[a] as number) > (this.probabilities[best] as number)) best = a;
    }
    return best;
  }

  /**
   * d logit[action] / d input, for the input of the last forward(), written into `out` (inputSize values):
   * back-propagation through the two tanh layers by hand, with the preallocated buffers.
   */
  logitGradient(action: number, out: Float32Array): void {
    const { inputSize, hiddenUnits, actionCount } = this.shape;
    for (let j = 0; j < hiddenUnits; j++) {
      const h = this.hidden2[j] as number;
      this.gradient2[j] = (this.policyKernel[j * actionCount + action] as number) * (1 - h * h);
    }
    for (let i = 0; i < hiddenUnits; i++) {
      let sum = 0;
      for (let j = 0; j < hiddenUnits; j++) {
        sum += (this.trunk2Kernel[i * hiddenUnits + j] as number) * (this.gradient2[j] as number);
      }
      const h = this.hidden1[i] as number;
      this.gradient1[i] = sum * (1 - h * h);
    }
    for (let k = 0; k < inputSize; k++) {
      let sum = 0;
      for (let i = 0; i < hiddenUnits; i++) {
        sum += (this.trunk1Kernel[k * hiddenUnits + i] as number) * (this.gradient1[i] as number);
      }
      out[k] = sum;
    }
  }
}

/** out[j] = bias[j] + Σ_i input[offset + i] · kernel[i, j]; kernel row-major [inputs, units]. */
function dense(
  input: Float32Array | Float64Array,
  offset: number,
  inputs: number,
  kernel: Float32Array,
  bias: Float32Array,
  out: Float64Array,
  units: number,
): void {
  for (let j = 0; j < units; j++) out[j] = bias[j] as number;
  for (let i = 0; i < inputs; i++) {
    const x = input[offset + i] as number;
    if (x === 0) continue;
    const row = i * units;
    for (let j = 0; j < units; j++) out[j] = (out[j] as number) + x * (kernel[row + j] as number);
  }
}

function tanhInPlace(values: Float64Array): void {
  for (let j = 0; j < values.length; j++) values[j] = Math.tanh(values[j] as number);
}

function softmax(logits: Float64Array, out: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < logits.length; a++) max = Math.max(max, logits[a] as number);
  let sum = 0;
  for (let a = 0; a < logits.length; a++) {
    const e = Math.exp((logits[a] as number) - max);
    out[a] = e;
    sum += e;
  }
  for (let a = 0; a < logits.length; a++) out[a] = (out[a] as number) / sum;
}
