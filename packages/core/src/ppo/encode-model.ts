/**
 * A trained network and its manifest as files: tfjs itself writes the layers format (LayersModel.save), so any
 * tfjs program can load model.json + weights.bin; decodeModel (model-artifacts.ts) reads them back without tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelManifest } from './manifest.ts';
import { MODEL_FILES, type ModelFiles } from './model-artifacts.ts';
import type { NetworkWeights } from './network-shape.ts';
import { buildTfModel, setModelWeights } from './tf-network.ts';

/** The files of a model; the tfjs part is produced by tfjs itself (LayersModel.save). */
export async function encodeModel(weights: NetworkWeights, manifest: ModelManifest): Promise<ModelFiles> {
  const model = buildTfModel(weights.shape);
  try {
    setModelWeights(model, weights);
    let files: ModelFiles | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const data = artifacts.weightData;
        const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : concatenate(data ?? []);
        const topology = {
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
          convertedBy: null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [MODEL_FILES.weights], weights: artifacts.weightSpecs }],
        };
        files = { topology: JSON.stringify(topology), weights: bytes, manifest: JSON.stringify(manifest, null, 2) };
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    return files as unknown as ModelFiles;
  } finally {
    model.dispose();
  }
}

function concatenate(buffers: ArrayBuffer[]): Uint8Array {
  const bytes = new Uint8Array(buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0));
  let offset = 0;
  for (const buffer of buffers) {
    bytes.set(new Uint8Array(buffer), offset);
    offset += buffer.byteLength;
  }
  return bytes;
}
