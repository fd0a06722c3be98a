/**
 * Keel's standard indicator set: the 19 columns the feature engine reads, named as TA-Lib function plus
 * parameters, each matching TA-Lib (see test/oracle). `StreamingIndicatorSet` updates them all for one new
 * candle without allocating (the feature engine's hot path); `computeIndicatorSet` runs it over a series.
 */
import type { Candle, CandleSeries } from '../market/types.ts';
import { AverageDirectionalIndex } from './adx.ts';
import { AverageTrueRange } from './atr.ts';
import { BollingerBands } from './bollinger-bands.ts';
import { CommodityChannelIndex } from './cci.ts';
import { ExponentialMovingAverage } from './ema.ts';
import { HighLowRange } from './high-low-range.ts';
import { Macd } from './macd.ts';
import { MoneyFlowIndex } from './mfi.ts';
import { OnBalanceVolume } from './obv.ts';
import { RateOfChange } from './roc.ts';
import { RelativeStrengthIndex } from './rsi.ts';
import { SimpleMovingAverage } from './sma.ts';
import { Stochastic } from './stochastic.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';
import { WilliamsPercentR } from './williams-r.ts';

export const INDICATOR_NAMES = [
  'SMA_20',
  'EMA_12',
  'EMA_26',
  'RSI_14',
  'MACD_12_26_9',
  'MACDSIGNAL_12_26_9',
  'MACDHIST_12_26_9',
  'BBUPPER_20_2',
  'BBMIDDLE_20_2',
  'BBLOWER_20_2',
  'ATR_14',
  'STOCHK_14_3_3',
  'STOCHD_14_3_3',
  'ADX_14',
  'OBV',
  'MFI_14',
  'CCI_20',
  'WILLR_14',
  'ROC_10',
] as const;

export type IndicatorName = (typeof INDICATOR_NAMES)[number];

/** Position of each name in `StreamingIndicatorSet.values`. */
const AT = Object.fromEntries(INDICATOR_NAMES.map((name, index) => [name, index])) as Record<IndicatorName, number>;

/** One group of the set's indicator updates, called with the set as `this`. */
type UpdateGroup = (this: StreamingIndicatorSet) => void;

/** Slots of the candle being fed in `StreamingIndicatorSet.candle`. */
const HIGH = 0;
const LOW = 1;
const CLOSE = 2;
const VOLUME = 3;

export class StreamingIndicatorSet {
  readonly names: readonly IndicatorName[] = INDICATOR_NAMES;
  /** The current value of every indicator, in `names` order; NaN during its warm-up. Overwritten by each update. */
  readonly values = new Float64Array(INDICATOR_NAMES.length);
  /** TA-Lib's lookback of each output: how many NaN values it starts with. */
  readonly lookbacks: Readonly<Record<IndicatorName, number>>;
  /** Candles after which each output no longer depends on older history (see StreamingIndicator.warmup). */
  readonly warmups: Readonly<Record<IndicatorName, number>>;

  /** The candle being fed: high, low, close, volume. */
  private readonly candle = new Float64Array(4);
  /** Each indicator once (MACD and Bollinger feed three columns each). */
  private readonly indicators: readonly StreamingIndicator[];
  private readonly sma20 = new SimpleMovingAverage({ period: 20 });
  private readonly ema12 = new ExponentialMovingAverage({ period: 12 });
  private readonly ema26 = new ExponentialMovingAverage({ period: 26 });
  private readonly rsi14 = new RelativeStrengthIndex({ period: 14 });
  private readonly macd = new Macd({ fast: 12, slow: 26, signal: 9 });
  private readonly bollinger = new BollingerBands({ period: 20, deviationsUp: 2, deviationsDown: 2 });
  private readonly atr14 = new AverageTrueRange({ period: 14 });
  /** The 14-candle highest high and lowest low, shared by the stochastic and Williams %R. */
  private readonly highLow14 = new HighLowRange(14);
  private readonly stochastic = new Stochastic({ fastK: 14, slowK: 3, slowD: 3 });
  private readonly adx14 = new AverageDirectionalIndex({ period: 14 });
  private readonly obv = new OnBalanceVolume();
  private readonly mfi14 = new MoneyFlowIndex({ period: 14 });
  private readonly cci20 = new CommodityChannelIndex({ period: 20 });
  private readonly willr14 = new WilliamsPercentR({ period: 14 });
  private readonly roc10 = new RateOfChange({ period: 10 });

  constructor() {
    const indicatorOf: Record<IndicatorName, StreamingIndicator> = {
      SMA_20: this.sma20,
      EMA_12: this.ema12,
      EMA_26: this.ema26,
      RSI_14: this.rsi14,
      MACD_12_26_9: this.macd,
      MACDSIGNAL_12_26_9: this.macd,
      MACDHIST_12_26_9: this.macd,
      BBUPPER_20_2: this.bollinger,
      BBMIDDLE_20_2: this.bollinger,
      BBLOWER_20_2: this.bollinger,
      ATR_14: this.atr14,
      STOCHK_14_3_3: this.stochastic,
      STOCHD_14_3_3: this.stochastic,
      ADX_14: this.adx14,
      OBV: this.obv,
      MFI_14: this.mfi14,
      CCI_20: this.cci20,
      WILLR_14: this.willr14,
      ROC_10: this.roc10,
    };
    this.indicators = [...new Set(Object.values(indicatorOf))];
    this.lookbacks = mapNames((name) => indicatorOf[name].lookback);
    this.warmups = mapNames((name) => indicatorOf[name].warmup);
    this.values.fill(Number.NaN);
  }

  /** Feeds one new candle; returns `values`. */
  update(candle: Candle): Float64Array {
    return this.updateWith(candle.high, candle.low, candle.close, candle.volume);
  }

  /** Feeds candle `index` of a columnar series; returns `values`. */
  updateAt(series: CandleSeries, index: number): Float64Array {
    return this.updateWith(
      series.high[index] as number,
      series.low[index] as number,
      series.close[index] as number,
      series.volume[index] as number,
    );
  }

  /** The current value of one indicator. */
  value(name: IndicatorName): number {
    return this.values[AT[name]] as number;
  }

  reset(): void {
    for (const indicator of this.indicators) indicator.reset();
    this.highLow14.reset();
    this.values.fill(Number.NaN);
  }

  /**
   * The indicators are fed in groups (updateGroups), each small enough for V8 to inline all its indicators'
   * updates: one function updating all 14 exceeds the optimiser's inlining budget, and an update left as a call
   * boxes its number arguments and result, i.e. allocates on every candle. The candle goes through `candle`, so
   * the groups take no numbers either.
   */
  private updateWith(high: number, low: number, close: number, volume: number): Float64Array {
    const candle = this.candle;
    candle[HIGH] = high;
    candle[LOW] = low;
    candle[CLOSE] = close;
    candle[VOLUME] = volume;
    const groups = StreamingIndicatorSet.updateGroups;
    for (let group = 0; group < groups.length; group++) (groups[group] as UpdateGroup).call(this);
    return this.values;
  }

  /**
   * The groups, in update order (updateRange moves the 14-candle range updateStochastic reads). They are called
   * through this list, not by name, so that no caller inlines them: V8 inlines only calls whose target it knows
   * when compiling, which a function taken from a list by index is not. Each group is then optimised on its
   * own, with an inlining budget of its own, however the set is called.
   */
  private static readonly updateGroups: readonly UpdateGroup[] = [
    StreamingIndicatorSet.prototype.updateMovingAverages,
    StreamingIndicatorSet.prototype.updateMacd,
    StreamingIndicatorSet.prototype.updateMomentum,
    StreamingIndicatorSet.prototype.updateBands,
    StreamingIndicatorSet.prototype.updateRange,
    StreamingIndicatorSet.prototype.updateStochastic,
    StreamingIndicatorSet.prototype.updateTrend,
    StreamingIndicatorSet.prototype.updateVolumeFlow,
  ];

  private updateMovingAverages(): void {
    const close = this.candle[CLOSE] as number;
    const values = this.values;
    values[AT.SMA_20] = this.sma20.update(close);
    values[AT.EMA_12] = this.ema12.update(close);
    values[AT.EMA_26] = this.ema26.update(close);
  }

  private updateMacd(): void {
    const values = this.values;
    const macd = this.macd;
    macd.update(this.candle[CLOSE] as number);
    values[AT.MACD_12_26_9] = macd.macd;
    values[AT.MACDSIGNAL_12_26_9] = macd.signal;
    values[AT.MACDHIST_12_26_9] = macd.histogram;
  }

  private updateMomentum(): void {
    const candle = this.candle;
    const close = candle[CLOSE] as number;
    const values = this.values;
    values[AT.RSI_14] = this.rsi14.update(close);
    values[AT.ROC_10] = this.roc10.update(close);
    values[AT.CCI_20] = this.cci20.update(candle[HIGH] as number, candle[LOW] as number, close);
  }

  private updateBands(): void {
    const values = this.values;
    const bollinger = this.bollinger;
    bollinger.update(this.candle[CLOSE] as number);
    values[AT.BBUPPER_20_2] = bollinger.upper;
    values[AT.BBMIDDLE_20_2] = bollinger.middle;
    values[AT.BBLOWER_20_2] = bollinger.lower;
  }

  private updateRange(): void {
    const candle = this.candle;
    const high = candle[HIGH] as number;
    const low = candle[LOW] as number;
    const close = candle[CLOSE] as number;
    const values = this.values;
    values[AT.ATR_14] = this.atr14.update(high, low, close);
    this.highLow14.update(high, low);
    values[AT.WILLR_14] = this.willr14.updateFromRange(this.highLow14, close);
  }

  /** After updateRange, which moved the shared 14-candle range. */
  private updateStochastic(): void {
    const values = this.values;
    const stochastic = this.stochastic;
    stochastic.updateFromRange(this.highLow14, this.candle[CLOSE] as number);
    values[AT.STOCHK_14_3_3] = stochastic.k;
    values[AT.STOCHD_14_3_3] = stochastic.d;
  }

  private updateTrend(): void {
    const candle = this.candle;
    this.values[AT.ADX_14] = this.adx14.update(candle[HIGH] as number, candle[LOW] as number, candle[CLOSE] as number);
  }

  private updateVolumeFlow(): void {
    const candle = this.candle;
    const close = candle[CLOSE] as number;
    const volume = candle[VOLUME] as number;
    const values = this.values;
    values[AT.OBV] = this.obv.update(close, volume);
    values[AT.MFI_14] = this.mfi14.update(candle[HIGH] as number, candle[LOW] as number, close, volume);
  }
}

/** Every indicator of the set over a whole series: one Float64Array per name (in `INDICATOR_NAMES` order), one value per candle. */
export function computeIndicatorSet(series: CandleSeries): Map<IndicatorName, Float64Array> {
  const set = new StreamingIndicatorSet();
  const columns = INDICATOR_NAMES.map(() => new Float64Array(series.length));
  const width = columns.length;
  for (let index = 0; index < series.length; index++) {
    const values = set.updateAt(series, index);
    for (let column = 0; column < width; column++) {
      (columns[column] as Float64Array)[index] = values[column] as number;
    }
  }
  return new Map(INDICATOR_NAMES.map((name) => [name, columns[AT[name]] as Float64Array]));
}

function mapNames<T>(valueFor: (name: IndicatorName) => T): Record<IndicatorName, T> {
  return Object.fromEntries(INDICATOR_NAMES.map((name) => [name, valueFor(name)])) as Record<IndicatorName, T>;
}
