/**
 * The feature vector's columns, in order, and the range each value is documented to stay in (README.md has
 * each one's definition, normalisation and warm-up). Strategies find a column with `FEATURE_INDEX.rsi`.
 */
import { FEATURE_CLIP } from './clamp-feature.ts';

export const FEATURE_NAMES = [
  'log_return_1_z',
  'log_return_4_z',
  'log_return_24_z',
  'rsi',
  'macd_histogram_z',
  'bollinger_percent_b',
  'bollinger_bandwidth_z',
  'atr_to_price',
  'volume_z',
  'poc_distance_atr',
  'support_distance_atr',
  'resistance_distance_atr',
  'adx',
  'stochastic_k',
  'obv_slope',
  'realised_volatility_z',
  'btc_correlation',
  'btc_correlation_available',
  'order_book_imbalance',
  'order_book_available',
  'funding_rate',
  'funding_available',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Column of each feature in the vector. */
export const FEATURE_INDEX = Object.freeze(
  Object.fromEntries(FEATURE_NAMES.map((name, index) => [name, index])) as Record<FeatureName, number>,
);

/** Closed interval [min, max] every value of a feature stays in, warm-up included (where it is 0). */
export interface FeatureRange {
  readonly min: number;
  readonly max: number;
}

const SIGNED_CLIP: FeatureRange = { min: -FEATURE_CLIP, max: FEATURE_CLIP };
const DISTANCE_CLIP: FeatureRange = { min: 0, max: FEATURE_CLIP };
const SIGNED_UNIT: FeatureRange = { min: -1, max: 1 };
const UNIT: FeatureRange = { min: 0, max: 1 };

export const FEATURE_RANGES: Readonly<Record<FeatureName, FeatureRange>> = {
  log_return_1_z: SIGNED_CLIP,
  log_return_4_z: SIGNED_CLIP,
  log_return_24_z: SIGNED_CLIP,
  rsi: SIGNED_UNIT,
  macd_histogram_z: SIGNED_CLIP,
  bollinger_percent_b: SIGNED_CLIP,
  bollinger_bandwidth_z: SIGNED_CLIP,
  atr_to_price: UNIT,
  volume_z: SIGNED_CLIP,
  poc_distance_atr: SIGNED_CLIP,
  support_distance_atr: DISTANCE_CLIP,
  resistance_distance_atr: DISTANCE_CLIP,
  adx: UNIT,
  stochastic_k: SIGNED_UNIT,
  obv_slope: SIGNED_UNIT,
  realised_volatility_z: SIGNED_CLIP,
  btc_correlation: SIGNED_UNIT,
  btc_correlation_available: UNIT,
  order_book_imbalance: SIGNED_UNIT,
  order_book_available: UNIT,
  funding_rate: SIGNED_CLIP,
  funding_available: UNIT,
};
