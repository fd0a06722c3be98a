/**
 * The same actor-critic network as a tfjs LayersModel: what the PPO update trains (tfjs computes the gradients)
 * and what is saved in tfjs format. Weights move between it and the typed-array PolicyNetwork by name.
 */
import * as tf from '@tensorflow/tfjs';
import { LAYER_NAMES, type NetworkShape, type NetworkWeights, weightSpecs } from './network-shape.ts';

/** A model with two outputs: [policy logits (batch × actions), value (batch × 1)]. */
export function buildTfModel(shape: NetworkShape): tf.LayersModel {
  const input = tf.input({ shape: [shape.inputSize], name: 'observation' });
  const dense = (name: string, units: number, activation: 'tanh' | 'linear') =>
    tf.layers.dense({ name, units, activation, kernelInitializer: 'zeros' });
  const trunk1 = dense(LAYER_NAMES.trunk1, shape.hiddenUnits, 'tanh').apply(input) as tf.SymbolicTensor;
  const trunk2 = dense(LAYER_NAMES.trunk2, shape.hiddenUnits, 'tanh').apply(trunk1) as tf.SymbolicTensor;
  const policy = dense(LAYER_NAMES.policy, shape.actionCount, 'linear').apply(trunk2) as tf.SymbolicTensor;
  const value = dense(LAYER_NAMES.value, 1, 'linear').apply(trunk2) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [policy, value], name: 'keel_ppo_actor_critic' });
}

/** The model's trainable variables in weightSpecs order. */
export function modelVariables(model: tf.LayersModel): tf.Variable[] {
  const byName = new Map(model.trainableWeights.map((weight) => [weight.originalName, weight.read() as tf.Variable]));
  return weightSpecs(shapeOfModel(model)).map((spec) => {
    const variable = byName.get(spec.name);
    if (variable === undefined) throw new Error(`tfjs model has no weight ${spec.name}`);
    return variable;
  });
}

export function setModelWeights(model: tf.LayersModel, weights: NetworkWeights): void {
  const specs = weightSpecs(weights.shape);
  const variables = modelVariables(model);
  tf.tidy(() => {
    variables.forEach((variable, i) => {
      variable.assign(tf.tensor((weights.tensors[i] as Float32Array).slice(), (specs[i] as { shape: number[] }).shape));
    });
  });
}

/** Copies the model's current weights into `weights.tensors` (same order and sizes). */
export function readModelWeights(model: tf.LayersModel, weights: NetworkWeights): void {
  modelVariables(model).forEach((variable, i) => {
    (weights.tensors[i] as Float32Array).set(variable.dataSync() as Float32Array);
  });
}

function shapeOfModel(model: tf.LayersModel): NetworkShape {
  const inputSize = model.inputs[0]?.shape[1] as number;
  const policy = model.getLayer(LAYER_NAMES.policy);
  const trunk = model.getLayer(LAYER_NAMES.trunk1);
  return {
    inputSize,
    hiddenUnits: trunk.outputShape[1] as number,
    actionCount: policy.outputShape[1] as number,
  };
}
