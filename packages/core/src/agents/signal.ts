/**
 * The arithmetic the rule agents share: a feature scaled to a signal in [−1, 1], and the confidence a signal's
 * strength earns. Every agent policy is a weighted sum of such signals, so its score stays in [−1, 1] whatever the
 * feature vector holds (NaN included: it counts as no signal).
 */

/** `value / fullAt` clamped to [−1, 1]; `fullAt` is the feature value that counts as a full-strength signal. */
export function unitSignal(value: number, fullAt: number): number {
  const scaled = value / fullAt;
  if (scaled >= 1) return 1;
  if (scaled <= -1) return -1;
  return Number.isNaN(scaled) ? 0 : scaled;
}

/** Clamps to [0, 1]; NaN becomes 0. */
export function unitInterval(value: number): number {
  if (!(value > 0)) return 0;
  return Math.min(value, 1);
}

/**
 * Confidence for a signal of strength 0…1: a coin flip (0.5) at no strength, certainty at full strength. The risk
 * stage reads confidence as the probability the trade wins (Kelly sizing) and refuses buys below 0.6, so a buy needs
 * a strength of at least 0.2 to pass it.
 */
export function confidenceFromStrength(strength: number): number {
  return 0.5 + 0.5 * unitInterval(strength);
}
