/**
 * A trained model's files, read back: the tfjs layers format (model.json with its weightsManifest, weights in
 * weights.bin as little-endian float32, loadable by tf.loadLayersModel) plus manifest.json (encode-model.ts writes
 * them). Decoding needs no tfjs: it checks every file against the manifest and the running feature engine, and refuses — with a
 * ModelError naming the file and the fault — anything missing, corrupt (bad JSON, wrong byte count, NaN) or made
 * for another feature set. File reading and writing live in the worker (worker/src/models/model-files.ts).
 */
import { type ModelManifest, parseManifest } from './manifest.ts';
import { ModelError } from './model-error.ts';
import { elementCount, type NetworkShape, type NetworkWeights, weightSpecs } from './network-shape.ts';

export const MODEL_FILES = { topology: 'model.json', weights: 'weights.bin', manifest: 'manifest.json' } as const;

export interface ModelFiles {
  /** model.json: tfjs topology and weightsManifest. */
  topology: string;
  /** weights.bin. */
  weights: Uint8Array;
  manifest: string;
}

/** A model ready to run: its manifest, weights and input normalisation. */
export interface PpoModel {
  manifest: ModelManifest;
  weights: NetworkWeights;
  inputScale: Float32Array;
}

interface TfModelJson {
  format?: string;
  modelTopology?: unknown;
  weightsManifest?: { paths?: string[]; weights?: { name: string; shape: number[]; dtype: string }[] }[];
}

const FLOAT32_BYTES = 4;

/** Checks and decodes a model's files; `expectedFeatures` are the running feature engine's column names. */
export function decodeModel(files: ModelFiles, expectedFeatures: readonly string[]): PpoModel {
  const manifest = parseManifest(files.manifest, expectedFeatures);
  const shape: NetworkShape = {
    inputSize: manifest.network.inputSize,
    hiddenUnits: manifest.network.hiddenUnits,
    actionCount: manifest.network.actionCount,
  };
  const stored = weightEntries(files.topology);
  const expectedBytes = stored.reduce((sum, entry) => sum + elementCount(entry) * FLOAT32_BYTES, 0);
  if (files.weights.byteLength !== expectedBytes) {
    throw new ModelError(
      `${MODEL_FILES.weights} has ${files.weights.byteLength} bytes; ${MODEL_FILES.topology} describes ${expectedBytes} (truncated or from another model)`,
    );
  }
  const view = new DataView(files.weights.buffer, files.weights.byteOffset, files.weights.byteLength);
  const offsets = new Map<string, number>();
  let offset = 0;
  for (const entry of stored) {
    offsets.set(entry.name, offset);
    offset += elementCount(entry) * FLOAT32_BYTES;
  }
  const tensors = weightSpecs(shape).map((spec) => {
    const entry = stored.find((candidate) => candidate.name === spec.name);
    if (entry === undefined || entry.shape.join('x') !== spec.shape.join('x')) {
      throw new ModelError(
        `${MODEL_FILES.topology}: weight ${spec.name} should have shape [${spec.shape}], found ${entry ? `[${entry.shape}]` : 'none'}`,
      );
    }
    const start = offsets.get(spec.name) as number;
    const values = new Float32Array(elementCount(spec));
    for (let i = 0; i < values.length; i++) {
      const value = view.getFloat32(start + i * FLOAT32_BYTES, true);
      if (!Number.isFinite(value)) {
        throw new ModelError(`${MODEL_FILES.weights}: weight ${spec.name}[${i}] is ${value}; the model is corrupt`);
      }
      values[i] = value;
    }
    return values;
  });
  return { manifest, weights: { shape, tensors }, inputScale: Float32Array.from(manifest.normalisation.scale) };
}

function weightEntries(topologyText: string): { name: string; shape: number[] }[] {
  let topology: TfModelJson;
  try {
    topology = JSON.parse(topologyText) as TfModelJson;
  } catch (error) {
    throw new ModelError(`${MODEL_FILES.topology} is not valid JSON (${(error as Error).message})`);
  }
  const groups = topology?.weightsManifest;
  if (!Array.isArray(groups) || groups.length === 0 || topology.modelTopology === undefined) {
    throw new ModelError(`${MODEL_FILES.topology} is not a tfjs layers model (no modelTopology or weightsManifest)`);
  }
  const entries = groups.flatMap((group) => group.weights ?? []);
  for (const entry of entries) {
    if (entry.dtype !== 'float32' || !Array.isArray(entry.shape)) {
      throw new ModelError(`${MODEL_FILES.topology}: weight ${entry.name} is ${entry.dtype}; only float32 is read`);
    }
  }
  return entries;
}
