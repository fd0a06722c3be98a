/**
 * The signal vector a decision sees next to the feature vector (DecisionContext.signals): one reused Float32Array
 * of SIGNAL_COLUMN_NAMES.length columns, written in place before each decision, so the decision path allocates
 * nothing. A masked signal reads 0 with flag 0; `signalValue` turns that into NaN so no strategy mistakes a
 * masked signal for a neutral one.
 */
import { SIGNAL_INDEX, SIGNAL_NAMES, SIGNAL_SCALES, type SignalName } from './signal-names.ts';

export function createSignalVector(): Float32Array {
  return new Float32Array(SIGNAL_NAMES.length * 2);
}

export function maskAllSignals(vector: Float32Array): void {
  vector.fill(0);
}

export function maskSignal(vector: Float32Array, name: SignalName): void {
  const column = 2 * SIGNAL_INDEX[name];
  vector[column] = 0;
  vector[column + 1] = 0;
}

/** Sets the signal from its raw reading (SIGNAL_SCALES); a non-finite reading masks it. */
export function setSignal(vector: Float32Array, name: SignalName, raw: number): void {
  const scaled = SIGNAL_SCALES[name](raw);
  if (!Number.isFinite(scaled)) {
    maskSignal(vector, name);
    return;
  }
  const column = 2 * SIGNAL_INDEX[name];
  vector[column] = scaled;
  vector[column + 1] = 1;
}

/** The scaled value, or NaN when masked or when there is no vector at all (a context built without one). */
export function signalValue(vector: Float32Array | undefined, name: SignalName): number {
  if (vector === undefined) return Number.NaN;
  const column = 2 * SIGNAL_INDEX[name];
  return vector[column + 1] === 1 ? (vector[column] as number) : Number.NaN;
}
