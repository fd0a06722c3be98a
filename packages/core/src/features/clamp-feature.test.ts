import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clampFeature, clipFeature, FEATURE_CLIP } from './clamp-feature.ts';

describe('clampFeature', () => {
  it('masks NaN as 0 and clamps infinities to the nearer bound', () => {
    expect(clampFeature(Number.NaN, -1, 1)).toBe(0);
    expect(clampFeature(Number.POSITIVE_INFINITY, -1, 1)).toBe(1);
    expect(clampFeature(Number.NEGATIVE_INFINITY, 0, 1)).toBe(0);
    expect(clipFeature(-7)).toBe(-FEATURE_CLIP);
    expect(clipFeature(0.25)).toBe(0.25);
  });

  it('always returns a finite value inside [min, max], equal to the input when it is inside', () => {
    fc.assert(
      fc.property(fc.double(), fc.double({ min: -10, max: 0, noNaN: true }), (value, min) => {
        const max = min + 3;
        const clamped = clampFeature(value, min, max);
        expect(clamped).toBeGreaterThanOrEqual(min);
        expect(clamped).toBeLessThanOrEqual(max);
        if (value >= min && value <= max) expect(clamped).toBe(value);
      }),
    );
  });
});
