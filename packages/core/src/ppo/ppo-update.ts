/**
 * The PPO update (Schulman et al. 2017) on one rollout: `epochs` passes in shuffled minibatches, each minimising
 *   L = −mean(min(ρ·Â, clip(ρ, 1−ε, 1+ε)·Â)) + c_v·mean((V − R)²) − c_e·mean(H(π)),   ρ = π(a|s) / π_old(a|s),
 * with Â the minibatch's advantages normalised to mean 0, standard deviation 1, and the gradient rescaled to a
 * global norm of at most maxGradientNorm before the Adam step. tfjs computes the gradients.
 */
import * as tf from '@tensorflow/tfjs';
import type { PpoHyperParameters } from './hyper-parameters.ts';
import type { RolloutBuffer } from './rollout-buffer.ts';
import type { SeededRandom } from './seeded-random.ts';

/** Averages over the update's minibatches, for the progress report. */
export interface UpdateStatistics {
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  /** Share of samples whose ratio was clipped. */
  clipFraction: number;
}

const ADVANTAGE_EPSILON = 1e-8;

export class PpoUpdater {
  private readonly model: tf.LayersModel;
  private readonly variables: tf.Variable[];
  private readonly optimizer: tf.AdamOptimizer;
  private readonly hyper: PpoHyperParameters;
  private readonly order: Int32Array;
  private readonly batchObservations: Float32Array;
  private readonly batchActions: Int32Array;
  private readonly batchOldLogProbabilities: Float32Array;
  private readonly batchAdvantages: Float32Array;
  private readonly batchReturns: Float32Array;

  constructor(model: tf.LayersModel, variables: tf.Variable[], hyper: PpoHyperParameters, inputSize: number) {
    this.model = model;
    this.variables = variables;
    this.hyper = hyper;
    this.optimizer = tf.train.adam(hyper.learningRate);
    this.order = new Int32Array(hyper.rolloutSteps);
    this.batchObservations = new Float32Array(hyper.minibatchSize * inputSize);
    this.batchActions = new Int32Array(hyper.minibatchSize);
    this.batchOldLogProbabilities = new Float32Array(hyper.minibatchSize);
    this.batchAdvantages = new Float32Array(hyper.minibatchSize);
    this.batchReturns = new Float32Array(hyper.minibatchSize);
  }

  update(buffer: RolloutBuffer, random: SeededRandom): UpdateStatistics {
    const { epochs, minibatchSize } = this.hyper;
    const order = this.order.subarray(0, buffer.size);
    for (let i = 0; i < order.length; i++) order[i] = i;
    const totals = { policyLoss: 0, valueLoss: 0, entropy: 0, clipFraction: 0 };
    let batches = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      random.shuffle(order);
      for (let start = 0; start + minibatchSize <= order.length; start += minibatchSize) {
        this.gather(buffer, order.subarray(start, start + minibatchSize));
        const statistics = this.step(minibatchSize, buffer.inputSize);
        totals.policyLoss += statistics[0] as number;
        totals.valueLoss += statistics[1] as number;
        totals.entropy += statistics[2] as number;
        totals.clipFraction += statistics[3] as number;
        batches++;
      }
    }
    const n = Math.max(1, batches);
    return {
      policyLoss: totals.policyLoss / n,
      valueLoss: totals.valueLoss / n,
      entropy: totals.entropy / n,
      clipFraction: totals.clipFraction / n,
    };
  }

  /** Frees the optimiser's moment estimates (tfjs tensors). */
  dispose(): void {
    this.optimizer.dispose();
  }

  /** Copies the chosen steps into the minibatch arrays, normalising their advantages. */
  private gather(buffer: RolloutBuffer, indices: Int32Array): void {
    const width = buffer.inputSize;
    let sum = 0;
    for (let b = 0; b < indices.length; b++) {
      const t = indices[b] as number;
      this.batchObservations.set(buffer.observations.subarray(t * width, (t + 1) * width), b * width);
      this.batchActions[b] = buffer.actions[t] as number;
      this.batchOldLogProbabilities[b] = buffer.logProbabilities[t] as number;
      this.batchAdvantages[b] = buffer.advantages[t] as number;
      this.batchReturns[b] = buffer.returns[t] as number;
      sum += buffer.advantages[t] as number;
    }
    const mean = sum / indices.length;
    let squares = 0;
    for (let b = 0; b < indices.length; b++) squares += ((this.batchAdvantages[b] as number) - mean) ** 2;
    const deviation = Math.sqrt(squares / indices.length) + ADVANTAGE_EPSILON;
    for (let b = 0; b < indices.length; b++) {
      this.batchAdvantages[b] = ((this.batchAdvantages[b] as number) - mean) / deviation;
    }
  }

  /** One gradient step on the gathered minibatch; returns [policy loss, value loss, entropy, clip fraction]. */
  private step(size: number, width: number): Float32Array {
    const { clipRange, valueCoefficient, entropyCoefficient, maxGradientNorm } = this.hyper;
    const statistics = tf.tidy(() => {
      const observations = tf.tensor2d(this.batchObservations, [size, width]);
      const actions = tf.oneHot(tf.tensor1d(this.batchActions, 'int32'), this.model.outputs[0]?.shape[1] as number);
      const oldLogProbabilities = tf.tensor1d(this.batchOldLogProbabilities);
      const advantages = tf.tensor1d(this.batchAdvantages);
      const returns = tf.tensor1d(this.batchReturns);
      let parts: tf.Scalar[] = [];
      const { grads } = tf.variableGrads(() => {
        const [logits, values] = this.model.apply(observations, { training: true }) as [tf.Tensor2D, tf.Tensor2D];
        const terms = lossTerms(logits, values, { actions, oldLogProbabilities, advantages, returns }, clipRange);
        // Kept past variableGrads, which disposes everything else its function made.
        parts = [terms.policyLoss, terms.valueLoss, terms.entropy, terms.clipFraction].map((part) => tf.keep(part));
        return tf.sub(
          tf.add(terms.policyLoss, tf.mul(valueCoefficient, terms.valueLoss)),
          tf.mul(entropyCoefficient, terms.entropy),
        );
      }, this.variables);
      const names = this.variables.map((variable) => variable.name);
      const list = names.map((name) => grads[name] as tf.Tensor);
      const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(maxGradientNorm, tf.add(norm, 1e-6)));
      const clippedGrads = names.map((name, i) => ({ name, tensor: tf.mul(list[i] as tf.Tensor, scale) }));
      this.optimizer.applyGradients(clippedGrads);
      const stacked = tf.stack(parts);
      for (const part of parts) part.dispose();
      return stacked;
    });
    const values = statistics.dataSync() as Float32Array;
    statistics.dispose();
    return values;
  }
}

interface MinibatchTensors {
  /** One-hot of the actions taken (batch × actions). */
  actions: tf.Tensor;
  oldLogProbabilities: tf.Tensor1D;
  advantages: tf.Tensor1D;
  returns: tf.Tensor1D;
}

/** The clipped surrogate, the value loss, the policy's entropy and the share of clipped ratios, as scalars. */
function lossTerms(
  logits: tf.Tensor2D,
  values: tf.Tensor2D,
  batch: MinibatchTensors,
  clipRange: number,
): { policyLoss: tf.Scalar; valueLoss: tf.Scalar; entropy: tf.Scalar; clipFraction: tf.Scalar } {
  const logProbabilitiesAll = tf.logSoftmax(logits);
  const logProbabilities = tf.sum(tf.mul(logProbabilitiesAll, batch.actions), 1);
  const ratio = tf.exp(tf.sub(logProbabilities, batch.oldLogProbabilities));
  const unclipped = tf.mul(ratio, batch.advantages);
  const clipped = tf.mul(tf.clipByValue(ratio, 1 - clipRange, 1 + clipRange), batch.advantages);
  return {
    policyLoss: tf.neg(tf.mean(tf.minimum(unclipped, clipped))),
    valueLoss: tf.mean(tf.square(tf.sub(tf.reshape(values, [-1]), batch.returns))),
    entropy: tf.neg(tf.mean(tf.sum(tf.mul(tf.exp(logProbabilitiesAll), logProbabilitiesAll), 1))),
    clipFraction: tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), clipRange), 'float32')),
  };
}
