/**
 * manifest.json, saved beside the tfjs model: everything needed to run the model correctly and to judge it —
 * the feature columns it reads (in order), their normalisation, the action set and position limit, the data it
 * saw, its training and validation scores, and the seed that reproduces it.
 */
import { ACTION_COUNT, ACTION_EXPOSURES, ACTION_LABELS, REBALANCE_BAND } from './actions.ts';
import type { PolicyScore } from './evaluate.ts';
import type { PpoHyperParameters } from './hyper-parameters.ts';
import { ModelError } from './model-error.ts';
import { POSITION_INPUTS } from './network-shape.ts';
import { NORMALISATION_METHOD } from './normalisation.ts';
import type { TradingEnvironmentOptions } from './trading-environment.ts';

export const MANIFEST_FORMAT = 'keel-ppo';
export const MANIFEST_FORMAT_VERSION = 1;

export interface DataWindow {
  symbol: string;
  /** Open time of the first and last candle, ISO 8601 UTC. */
  from: string;
  to: string;
  candles: number;
}

export interface ModelManifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: typeof MANIFEST_FORMAT_VERSION;
  /** Directory name of this model version. */
  version: string;
  createdAt: string;
  seed: number;
  features: string[];
  positionInputs: string[];
  normalisation: { method: string; scale: number[] };
  actions: { exposures: number[]; labels: string[]; maxExposure: number; rebalanceBand: number };
  network: { inputSize: number; hiddenUnits: number; actionCount: number; activation: 'tanh' };
  /** Candles the feature engine needs before the model's first decision. */
  warmupCandles: number;
  environment: Required<TradingEnvironmentOptions>;
  hyperParameters: PpoHyperParameters;
  trainWindows: DataWindow[];
  validationWindows: DataWindow[];
  training: {
    steps: number;
    seconds: number;
    stepsPerSecond: number;
    backend: string;
    meanEpisodeReturn: number;
    score: PolicyScore;
  };
  validation: PolicyScore;
}

/** What training decides; buildManifest adds what this code fixes (format, action set, position inputs). */
export type ManifestInput = Omit<
  ModelManifest,
  'format' | 'formatVersion' | 'positionInputs' | 'actions' | 'normalisation' | 'network'
> & {
  maxExposure: number;
  inputScale: Float32Array;
  shape: { inputSize: number; hiddenUnits: number; actionCount: number };
};

export function buildManifest(input: ManifestInput): ModelManifest {
  const { maxExposure, inputScale, shape, ...rest } = input;
  return {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    ...rest,
    positionInputs: [...POSITION_INPUTS],
    normalisation: { method: NORMALISATION_METHOD, scale: Array.from(inputScale) },
    actions: {
      exposures: [...ACTION_EXPOSURES],
      labels: [...ACTION_LABELS],
      maxExposure,
      rebalanceBand: REBALANCE_BAND,
    },
    network: { ...shape, activation: 'tanh' },
  };
}

/**
 * Parses manifest.json and checks it against the running code: its format, its action set, and its feature list,
 * which must equal `expectedFeatures` column for column.
 */
export function parseManifest(text: string, expectedFeatures: readonly string[]): ModelManifest {
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(text) as ModelManifest;
  } catch (error) {
    throw new ModelError(`manifest.json is not valid JSON (${(error as Error).message})`);
  }
  if (typeof manifest !== 'object' || manifest === null || manifest.format !== MANIFEST_FORMAT) {
    throw new ModelError(`manifest.json is not a Keel PPO manifest (format should be "${MANIFEST_FORMAT}")`);
  }
  if (manifest.formatVersion !== MANIFEST_FORMAT_VERSION) {
    throw new ModelError(
      `manifest.json has format version ${manifest.formatVersion}; this Keel reads version ${MANIFEST_FORMAT_VERSION}`,
    );
  }
  checkFeatures(manifest.features, expectedFeatures);
  checkNumbers('normalisation.scale', manifest.normalisation?.scale, expectedFeatures.length);
  checkNumbers('actions.exposures', manifest.actions?.exposures, ACTION_COUNT);
  const { maxExposure } = manifest.actions;
  if (!(typeof maxExposure === 'number' && maxExposure > 0 && maxExposure <= 1)) {
    throw new ModelError(`manifest.json: actions.maxExposure must be in (0, 1], got ${maxExposure}`);
  }
  const network = manifest.network;
  const inputSize = expectedFeatures.length + POSITION_INPUTS.length;
  if (network?.inputSize !== inputSize || network.actionCount !== ACTION_COUNT || !(network.hiddenUnits >= 1)) {
    throw new ModelError(
      `manifest.json: network ${JSON.stringify(network)} does not fit ${inputSize} inputs and ${ACTION_COUNT} actions`,
    );
  }
  if (!(Number.isInteger(manifest.warmupCandles) && manifest.warmupCandles >= 0)) {
    throw new ModelError(`manifest.json: warmupCandles must be a whole number, got ${manifest.warmupCandles}`);
  }
  return manifest;
}

function checkFeatures(features: unknown, expected: readonly string[]): void {
  if (!Array.isArray(features)) throw new ModelError('manifest.json has no feature list');
  const firstDifference = expected.findIndex((name, k) => features[k] !== name);
  if (firstDifference === -1 && features.length === expected.length) return;
  const at =
    firstDifference === -1
      ? `it has ${features.length} features, the engine ${expected.length}`
      : `column ${firstDifference} is "${features[firstDifference]}" in the model, "${expected[firstDifference]}" in the engine`;
  throw new ModelError(
    `the model was made for another feature set (${features.length} features; this feature engine computes ` +
      `${expected.length}): ${at}. Retrain it with \`keel train\`.`,
  );
}

function checkNumbers(field: string, values: unknown, length: number): void {
  if (!Array.isArray(values) || values.length !== length || !values.every((v) => Number.isFinite(v))) {
    throw new ModelError(`manifest.json: ${field} must be ${length} finite numbers`);
  }
}
