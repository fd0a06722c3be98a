/**
 * Which tfjs backend trains the network: tfjs-node (native TensorFlow) when it is installed, else the WebAssembly
 * backend, else tfjs's pure-JS cpu backend. The caller logs the answer; training results do not depend on it
 * beyond float rounding.
 */
import * as tf from '@tensorflow/tfjs';

export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

/** A variable, so the type checker does not require the optional native package to be installed. */
const TFJS_NODE_PACKAGE = '@tensorflow/tfjs-node';

let chosen: Promise<TfBackendName> | null = null;

/** Picks and initialises the best backend available, once per process; later calls return the same answer. */
export function chooseTfBackend(): Promise<TfBackendName> {
  chosen ??= pickBackend();
  return chosen;
}

async function pickBackend(): Promise<TfBackendName> {
  try {
    await import(TFJS_NODE_PACKAGE);
    if (await tf.setBackend('tensorflow')) return 'tensorflow';
  } catch {
    // Not installed: the usual case. Fall through to wasm.
  }
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) return 'wasm';
  } catch {
    // The wasm binary could not be loaded: fall through to cpu.
  }
  await tf.setBackend('cpu');
  return 'cpu';
}
