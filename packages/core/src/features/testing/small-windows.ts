/** Feature options with small windows, so the short series a test generates reach every feature's defined state. */
export const SMALL_WINDOWS = {
  zScoreWindow: 5,
  volatilityWindow: 3,
  correlationWindow: 4,
  obvSlopeWindow: 3,
  volumeProfileWindow: 10,
  pivotStrength: 2,
  levelMaxAgeCandles: 50,
};
