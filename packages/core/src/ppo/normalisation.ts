/**
 * How features become network inputs: each is divided by the larger bound of its documented range, so every input
 * lies in [-1, 1] (z-scores clipped at ±5 become ±1, unit features stay as they are). The scale is saved in the
 * model's manifest and read back from it, so inference applies exactly what training did.
 */
import { FEATURE_NAMES, FEATURE_RANGES } from '../features/feature-names.ts';

export const NORMALISATION_METHOD = 'divide-by-range-bound';

export function featureInputScale(): Float32Array {
  return Float32Array.from(FEATURE_NAMES, (name) => {
    const { min, max } = FEATURE_RANGES[name];
    return 1 / Math.max(Math.abs(min), Math.abs(max));
  });
}
