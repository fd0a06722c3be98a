/**
 * Constructed inputs for the agents' tests: a feature vector from named values (the rest 0), a decision context
 * around it, and a fast-check generator of any vector inside (and beyond) the documented feature ranges.
 */
import fc from 'fast-check';
import { FEATURE_INDEX, FEATURE_NAMES, FEATURE_RANGES, type FeatureName } from '../../features/feature-names.ts';
import { allocateSeries } from '../../market/types.ts';
import type { Decision, DecisionContext } from '../../strategy/types.ts';

export function featureVector(values: Partial<Record<FeatureName, number>>): Float32Array {
  const vector = new Float32Array(FEATURE_NAMES.length);
  for (const [name, value] of Object.entries(values)) vector[FEATURE_INDEX[name as FeatureName]] = value as number;
  return vector;
}

/** A copy of `base` with the named features replaced. */
export function withFeatures(base: Float32Array, values: Partial<Record<FeatureName, number>>): Float32Array {
  const vector = Float32Array.from(base);
  for (const [name, value] of Object.entries(values)) vector[FEATURE_INDEX[name as FeatureName]] = value as number;
  return vector;
}

const ONE_CANDLE = allocateSeries('TEST-USDT', 1);
ONE_CANDLE.close[0] = 100;

export function contextWith(features: Float32Array, symbolIndex = 0): DecisionContext {
  return { symbolIndex, series: ONE_CANDLE, index: 0, features, positionQtyBase: 0, equityQuote: 10_000 };
}

export function emptyDecision(): Decision {
  return { action: 'hold', targetExposure: Number.NaN, confidence: 0, reason: '' };
}

/** Any vector with each feature inside its documented range, or (1 in 10) an arbitrary double, NaN and ±∞ included. */
export const anyFeatureVector: fc.Arbitrary<Float32Array> = fc
  .tuple(
    ...FEATURE_NAMES.map((name) =>
      fc.oneof(
        {
          weight: 9,
          arbitrary: fc.double({ min: FEATURE_RANGES[name].min, max: FEATURE_RANGES[name].max, noNaN: true }),
        },
        { weight: 1, arbitrary: fc.double() },
      ),
    ),
  )
  .map((values) => Float32Array.from(values));
