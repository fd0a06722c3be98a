/** PPO's hyper-parameters, with the defaults README.md explains. */
export interface PpoHyperParameters {
  /** Environment steps collected between updates; default 2048. */
  rolloutSteps: number;
  /** Passes over each rollout; default 4. */
  epochs: number;
  /** Steps per gradient step; default 256. */
  minibatchSize: number;
  /** Adam step size; default 3e-4. */
  learningRate: number;
  /** γ, per candle; default 0.99 (a horizon of about 100 candles). */
  discount: number;
  /** λ of GAE; default 0.95. */
  gaeLambda: number;
  /** ε of the clipped surrogate; default 0.2. */
  clipRange: number;
  /** Weight of the value loss; default 0.5. */
  valueCoefficient: number;
  /** Weight of the entropy bonus; default 0.01. */
  entropyCoefficient: number;
  /** Gradients are rescaled to at most this global norm; default 0.5. */
  maxGradientNorm: number;
  /** Candles per training episode (from a random start); default 720 (30 days of hours). */
  episodeCandles: number;
  /** Units in each of the two hidden layers; default 64. */
  hiddenUnits: number;
}

export const PPO_DEFAULTS: PpoHyperParameters = {
  rolloutSteps: 2048,
  epochs: 4,
  minibatchSize: 256,
  learningRate: 3e-4,
  discount: 0.99,
  gaeLambda: 0.95,
  clipRange: 0.2,
  valueCoefficient: 0.5,
  entropyCoefficient: 0.01,
  maxGradientNorm: 0.5,
  episodeCandles: 720,
  hiddenUnits: 64,
};
