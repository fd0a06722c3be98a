import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES, FEATURE_RANGES } from '../features/feature-names.ts';
import { featureInputScale } from './normalisation.ts';

describe('featureInputScale', () => {
  it('maps every feature range into [-1, 1] with at least one bound reaching ±1', () => {
    const scale = featureInputScale();
    expect(scale).toHaveLength(FEATURE_NAMES.length);
    FEATURE_NAMES.forEach((name, k) => {
      const { min, max } = FEATURE_RANGES[name];
      const low = min * (scale[k] as number);
      const high = max * (scale[k] as number);
      expect(low).toBeGreaterThanOrEqual(-1 - 1e-6);
      expect(high).toBeLessThanOrEqual(1 + 1e-6);
      expect(Math.max(Math.abs(low), Math.abs(high))).toBeCloseTo(1, 6);
    });
  });
});
