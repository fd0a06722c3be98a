/**
 * The last step of every feature: an undefined value (NaN during warm-up, or a masked input) becomes 0, and
 * anything else is held inside its documented range, so a model never sees NaN, ±Infinity or an outlier
 * that dwarfs the other columns.
 */

/** Bound of the clipped features (z-scores, distances in ATRs): 5 standard deviations or 5 ATRs. */
export const FEATURE_CLIP = 5;

/**
 * `value` clamped to [min, max]; 0 when `value` is NaN (or the bound nearest 0 when the range excludes 0).
 * ±Infinity clamps to the nearer bound.
 */
export function clampFeature(value: number, min: number, max: number): number {
  // The comparison first: every feature of every candle passes here, and Math.min pays for NaN and ±0 rules
  // that a value strictly below max does not need (it is then the minimum, bit for bit).
  if (value > min) return value < max ? value : Math.min(value, max);
  if (value <= min) return min;
  return Math.min(Math.max(0, min), max);
}

/** `value` clamped to ±FEATURE_CLIP; 0 when NaN. */
export function clipFeature(value: number): number {
  return clampFeature(value, -FEATURE_CLIP, FEATURE_CLIP);
}
