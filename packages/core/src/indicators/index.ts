/** Streaming technical indicators that match TA-Lib, plus rolling volume profile, swing levels and correlation. */

export { AverageDirectionalIndex, type AverageDirectionalIndexOptions } from './adx.ts';
export { AverageTrueRange, type AverageTrueRangeOptions } from './atr.ts';
export { BollingerBands, type BollingerBandsOptions } from './bollinger-bands.ts';
export { CommodityChannelIndex, type CommodityChannelIndexOptions } from './cci.ts';
export { ExponentialMovingAverage, type ExponentialMovingAverageOptions } from './ema.ts';
export { HighLowRange } from './high-low-range.ts';
export { IndicatorOptionsError } from './indicator-options-error.ts';
export {
  computeIndicatorSet,
  INDICATOR_NAMES,
  type IndicatorName,
  StreamingIndicatorSet,
} from './indicator-set.ts';
export { Macd, type MacdOptions } from './macd.ts';
export { MoneyFlowIndex, type MoneyFlowIndexOptions } from './mfi.ts';
export { OnBalanceVolume } from './obv.ts';
export { RateOfChange, type RateOfChangeOptions } from './roc.ts';
export { RollingCorrelation, type RollingCorrelationOptions } from './rolling-correlation.ts';
export { type ExtremeSide, RollingExtreme } from './rolling-extreme.ts';
export { RelativeStrengthIndex, type RelativeStrengthIndexOptions } from './rsi.ts';
export { SimpleMovingAverage, type SimpleMovingAverageOptions } from './sma.ts';
export { Stochastic, type StochasticOptions } from './stochastic.ts';
export type { StreamingIndicator } from './streaming-indicator.ts';
export { SupportResistance, type SupportResistanceOptions } from './support-resistance.ts';
export { trueRange } from './true-range.ts';
export { VolumeProfile, type VolumeProfileOptions } from './volume-profile.ts';
export { WilliamsPercentR, type WilliamsPercentROptions } from './williams-r.ts';
