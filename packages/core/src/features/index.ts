/** The feature stage: the feature engine, its vector's columns, and the FeatureSource port it implements. */
export { FEATURE_CLIP } from './clamp-feature.ts';
export { computeFeatures, type FeatureMatrix } from './compute-features.ts';
export { FeatureEngine, FUNDING_RATE_SCALE } from './feature-engine.ts';
export { FEATURE_INDEX, FEATURE_NAMES, FEATURE_RANGES, type FeatureName, type FeatureRange } from './feature-names.ts';
export { FEATURE_DEFAULTS, type FeatureEngineOptions, FeatureOptionsError } from './feature-options.ts';
export type { FeatureSource } from './types.ts';
