/**
 * The PPO agent's discrete action set: a target exposure, as a fraction of the position limit. Three levels —
 * flat, half, full — keep the policy a small softmax while letting it scale in and out; "hold" is not an action
 * of its own, it is what happens when the chosen level is already (about) the current exposure.
 */
export const ACTION_EXPOSURES = [0, 0.5, 1] as const;
export const ACTION_LABELS = ['flat', 'half', 'full'] as const;
export const ACTION_COUNT = ACTION_EXPOSURES.length;

/**
 * Exposure drift tolerated before rebalancing: prices move the held fraction every candle, and chasing that drift
 * would pay fees for nothing. A fifth of the step between levels.
 */
export const REBALANCE_BAND = 0.1;

/** The target exposure of `action` under the position limit `maxExposure` (0 to 1 of equity). */
export function targetExposureOf(action: number, maxExposure: number): number {
  return (ACTION_EXPOSURES[action] as number) * maxExposure;
}

/** True when moving from `currentExposure` to `targetExposure` is worth an order. */
export function needsRebalance(currentExposure: number, targetExposure: number, maxExposure: number): boolean {
  if (targetExposure === 0) return currentExposure > 0;
  return Math.abs(targetExposure - currentExposure) > REBALANCE_BAND * maxExposure;
}
