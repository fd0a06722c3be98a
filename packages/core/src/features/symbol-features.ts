/**
 * The candle-derived features of one symbol: streaming indicators and rolling normalisers, fed one closed
 * candle at a time, writing their columns of the feature vector in place. Definitions, normalisations and
 * warm-ups are listed in README.md; the columns written by the engine (correlation, order book, funding) are
 * not touched here. Every value written is finite: an undefined one (warm-up) is written as 0.
 */
import { AverageDirectionalIndex } from '../indicators/adx.ts';
import { AverageTrueRange } from '../indicators/atr.ts';
import { HighLowRange } from '../indicators/high-low-range.ts';
import { Macd } from '../indicators/macd.ts';
import { OnBalanceVolume } from '../indicators/obv.ts';
import { RelativeStrengthIndex } from '../indicators/rsi.ts';
import { SimpleMovingAverage } from '../indicators/sma.ts';
import { Stochastic } from '../indicators/stochastic.ts';
import { SupportResistance } from '../indicators/support-resistance.ts';
import { VolumeProfile } from '../indicators/volume-profile.ts';
import type { CandleSeries } from '../market/types.ts';
import { clampFeature, clipFeature, FEATURE_CLIP } from './clamp-feature.ts';
import { FEATURE_INDEX, FEATURE_NAMES, type FeatureName } from './feature-names.ts';
import type { ResolvedFeatureOptions } from './feature-options.ts';
import { LagRing } from './lag-ring.ts';
import { RollingMoments } from './rolling-moments.ts';
import { RollingZScores } from './rolling-z-scores.ts';

/** TA-Lib's classic periods (Wilder's 14 for RSI, ATR and ADX; Appel's 12/26/9; Bollinger's 20/2; Lane's 14/3/3). */
const RSI_PERIOD = 14;
const MACD_FAST = 12;
const MACD_SLOW = 26;
const MACD_SIGNAL = 9;
const BOLLINGER_PERIOD = 20;
const BOLLINGER_DEVIATIONS = 2;
const ATR_PERIOD = 14;
const STOCHASTIC_FAST_K = 14;
const STOCHASTIC_SLOW_K = 3;
const STOCHASTIC_SLOW_D = 3;
const ADX_PERIOD = 14;

/** The horizons, in candles, of the three log-return features. */
const SHORT_HORIZON = 1;
const MEDIUM_HORIZON = 4;
const LONG_HORIZON = 24;

/** RSI and stochastic %K live in [0, 100]; (x − 50) / 50 maps them onto [−1, 1]. ADX / 100 onto [0, 1]. */
const PERCENT_MIDPOINT = 50;
const PERCENT = 100;

/**
 * Floor under the volume before its logarithm: a candle without trades would otherwise give −∞. It is far
 * below any traded quantity (one satoshi is 1e-8 BTC), so a zero-volume candle lands at the −5 clip.
 */
const VOLUME_FLOOR = 1e-8;

const {
  log_return_1_z: LOG_RETURN_SHORT,
  log_return_4_z: LOG_RETURN_MEDIUM,
  log_return_24_z: LOG_RETURN_LONG,
  rsi: RSI,
  macd_histogram_z: MACD_HISTOGRAM,
  bollinger_percent_b: BOLLINGER_PERCENT_B,
  bollinger_bandwidth_z: BOLLINGER_BANDWIDTH,
  atr_to_price: ATR_TO_PRICE,
  volume_z: VOLUME,
  poc_distance_atr: POC_DISTANCE,
  support_distance_atr: SUPPORT_DISTANCE,
  resistance_distance_atr: RESISTANCE_DISTANCE,
  adx: ADX,
  stochastic_k: STOCHASTIC_K,
  obv_slope: OBV_SLOPE,
  realised_volatility_z: REALISED_VOLATILITY,
} = FEATURE_INDEX;

/** The features normalised by the rolling z-score: their raw values are scored together (RollingZScores). */
const Z_SCORED_COLUMNS = [
  LOG_RETURN_SHORT,
  LOG_RETURN_MEDIUM,
  LOG_RETURN_LONG,
  MACD_HISTOGRAM,
  BOLLINGER_BANDWIDTH,
  VOLUME,
  REALISED_VOLATILITY,
];

export class SymbolFeatures {
  /**
   * Per feature, the number of leading candles whose value is undefined or still depends on older history;
   * from that 0-based candle index on it is a function of recent candles alone (to within 1e-6).
   */
  readonly warmups: Readonly<Record<FeatureName, number>>;
  /** The most candles one updateRows call takes: the size of the per-candle scratch below. */
  readonly maxRows: number;

  private readonly rsi = new RelativeStrengthIndex({ period: RSI_PERIOD });
  private readonly macd = new Macd({ fast: MACD_FAST, slow: MACD_SLOW, signal: MACD_SIGNAL });
  /**
   * Bollinger's middle band and σ: the population mean and standard deviation of the last 20 closes, as
   * TA_BBANDS defines them. Computed with RollingMoments rather than BollingerBands, whose TA-Lib numerics
   * (σ² = mean(x²) − mean², running sums, σ = 0 below an absolute 1e-14) lose about seven digits on quiet
   * windows — a 1e-7 history dependence once divided by σ — and collapse the bands of prices under ≈1e-4.
   */
  private readonly bollinger = new RollingMoments(BOLLINGER_PERIOD);
  private readonly atr = new AverageTrueRange({ period: ATR_PERIOD });
  /**
   * The stochastic's 14-candle range, kept here and moved by its own part: the stochastic with its range does
   * not fit one part's inlining budget (see updateParts). Its extremes after each candle go to `highests`,
   * `lowests` and `rangeFull`, which the stochastic's part reads.
   */
  private readonly highLow = new HighLowRange(STOCHASTIC_FAST_K);
  private readonly stochastic = new Stochastic({
    fastK: STOCHASTIC_FAST_K,
    slowK: STOCHASTIC_SLOW_K,
    slowD: STOCHASTIC_SLOW_D,
  });
  private readonly adx = new AverageDirectionalIndex({ period: ADX_PERIOD });
  private readonly obv = new OnBalanceVolume();
  private readonly volumeProfile: VolumeProfile;
  private readonly levels: SupportResistance;

  private readonly logCloses = new LagRing(LONG_HORIZON + 1);
  private readonly zScores: RollingZScores;
  /** The last `volatilityWindow` 1-candle returns; their standard deviation is the realised volatility. */
  private readonly recentReturns: RollingMoments;
  private readonly obvHistory: LagRing;
  private readonly volumeAverage: SimpleMovingAverage;
  private readonly obvSlopeWindow: number;

  // Per candle of the rows being updated, what one part computes and a later one reads.
  /** The candle's raw value of each z-scored feature, by feature column (the other columns are unused). */
  private readonly rawRows: Float64Array[];
  /** The candle's ATR, read by the volume-profile and support/resistance distances. */
  private readonly atrs: Float64Array;
  private readonly highests: Float64Array;
  private readonly lowests: Float64Array;
  /** 1 when the stochastic's range covered a full window at the candle. */
  private readonly rangeFull: Uint8Array;
  /** The rows being updated: output vectors and log returns, handed from updateRows to the parts. */
  private outRows: readonly Float32Array[] = [];
  private logReturns: Float64Array = new Float64Array(0);

  constructor(options: ResolvedFeatureOptions, maxRows: number) {
    const { zScoreWindow, volatilityWindow, obvSlopeWindow, correlationWindow } = options;
    this.maxRows = maxRows;
    const raw = new Float64Array(maxRows * FEATURE_NAMES.length);
    this.rawRows = Array.from({ length: maxRows }, (_, row) =>
      raw.subarray(row * FEATURE_NAMES.length, (row + 1) * FEATURE_NAMES.length),
    );
    this.atrs = new Float64Array(maxRows);
    this.highests = new Float64Array(maxRows);
    this.lowests = new Float64Array(maxRows);
    this.rangeFull = new Uint8Array(maxRows);
    // The profile's distance is scaled by this.atr (the same ATR), so the profile keeps none of its own.
    this.volumeProfile = new VolumeProfile({ window: options.volumeProfileWindow, atrPeriod: null });
    this.levels = new SupportResistance({
      strength: options.pivotStrength,
      maxAgeCandles: options.levelMaxAgeCandles,
    });
    this.zScores = new RollingZScores(zScoreWindow, Z_SCORED_COLUMNS);
    this.recentReturns = new RollingMoments(volatilityWindow);
    this.obvHistory = new LagRing(obvSlopeWindow + 1);
    this.volumeAverage = new SimpleMovingAverage({ period: obvSlopeWindow });
    this.obvSlopeWindow = obvSlopeWindow;

    // A z-score needs a full window of defined inputs: the input's own warm-up plus zScoreWindow − 1 candles.
    const zScored = (inputWarmup: number) => inputWarmup + zScoreWindow - 1;
    this.warmups = {
      log_return_1_z: zScored(SHORT_HORIZON),
      log_return_4_z: zScored(MEDIUM_HORIZON),
      log_return_24_z: zScored(LONG_HORIZON),
      rsi: this.rsi.warmup,
      macd_histogram_z: zScored(this.macd.warmup),
      bollinger_percent_b: BOLLINGER_PERIOD - 1,
      bollinger_bandwidth_z: zScored(BOLLINGER_PERIOD - 1),
      atr_to_price: this.atr.warmup,
      volume_z: zScored(0),
      poc_distance_atr: Math.max(this.volumeProfile.warmup, this.atr.warmup),
      support_distance_atr: Math.max(this.levels.warmup, this.atr.warmup),
      resistance_distance_atr: Math.max(this.levels.warmup, this.atr.warmup),
      adx: this.adx.warmup,
      stochastic_k: this.stochastic.warmup,
      obv_slope: obvSlopeWindow,
      // The first return is at candle 1, so the first full volatility window ends at candle volatilityWindow.
      realised_volatility_z: zScored(volatilityWindow),
      // A pair per candle from candle 1 on, one candle late when the reference's candle comes after ours.
      btc_correlation: correlationWindow + 1,
      btc_correlation_available: correlationWindow + 1,
      order_book_imbalance: 0,
      order_book_available: 0,
      funding_rate: 0,
      funding_available: 0,
    };
  }

  /**
   * Feeds candles start … start + count − 1 of `series` (count ≤ maxRows) and writes this symbol's
   * candle-derived columns of each to `outRows[row]`, and its 1-candle log return (ln close − ln previous
   * close; NaN on the first candle) to `logReturns[row]`.
   *
   * The work is split in parts (updateParts) that each fit V8's inlining budget, so that every indicator
   * update in a part is inlined, and that take (series, index) rather than prices: an update left as a call
   * boxes its number arguments and result, i.e. allocates on every candle. Each part runs over all the rows
   * before the next starts (the indicators are independent of one another but for the per-candle values
   * kept above), so that a part's state stays in registers and cache through them; each indicator still
   * sees its candles one by one in order, so every value is what a candle-by-candle update gives.
   */
  updateRows(
    series: CandleSeries,
    start: number,
    count: number,
    outRows: readonly Float32Array[],
    logReturns: Float64Array,
  ): void {
    if (count > this.maxRows) throw new RangeError(`SymbolFeatures: ${count} rows asked, at most ${this.maxRows}`);
    this.outRows = outRows;
    this.logReturns = logReturns;
    const parts = SymbolFeatures.updateParts;
    for (let part = 0; part < parts.length; part++) (parts[part] as UpdatePart).call(this, series, start, count);
  }

  /**
   * The parts in update order: the ATR before the profile and the levels (they read it), the high-low range
   * before the stochastic, the raw inputs before their z-scores. They are called through this list, not by
   * name, so that no caller inlines them: V8 inlines only calls whose target it knows when compiling, which a
   * function taken from a list by index is not. Each part is then optimised on its own, with an inlining budget
   * of its own, however the engine is called.
   */
  private static readonly updateParts: readonly UpdatePart[] = [
    SymbolFeatures.prototype.updateReturns,
    SymbolFeatures.prototype.updateMomentum,
    SymbolFeatures.prototype.updateHighLow,
    SymbolFeatures.prototype.updateStochastic,
    SymbolFeatures.prototype.updateAdx,
    SymbolFeatures.prototype.updateAtr,
    SymbolFeatures.prototype.updateBands,
    SymbolFeatures.prototype.updateVolume,
    SymbolFeatures.prototype.updateVolumeProfile,
    SymbolFeatures.prototype.updateLevels,
    SymbolFeatures.prototype.updateZScores,
  ];

  private updateReturns(series: CandleSeries, start: number, count: number): void {
    const logCloses = this.logCloses;
    const recentReturns = this.recentReturns;
    for (let row = 0; row < count; row++) {
      const raw = this.rawRows[row] as Float64Array;
      const logClose = Math.log(series.close[start + row] as number);
      logCloses.push(logClose);
      const logReturn = logClose - logCloses.ago(SHORT_HORIZON);
      this.logReturns[row] = logReturn;
      raw[LOG_RETURN_SHORT] = logReturn;
      raw[LOG_RETURN_MEDIUM] = logClose - logCloses.ago(MEDIUM_HORIZON);
      raw[LOG_RETURN_LONG] = logClose - logCloses.ago(LONG_HORIZON);
      if (!Number.isNaN(logReturn)) recentReturns.update(logReturn);
      raw[REALISED_VOLATILITY] = recentReturns.standardDeviation;
    }
  }

  private updateMomentum(series: CandleSeries, start: number, count: number): void {
    const macd = this.macd;
    for (let row = 0; row < count; row++) {
      const close = series.close[start + row] as number;
      const out = this.outRows[row] as Float32Array;
      out[RSI] = clampFeature((this.rsi.update(close) - PERCENT_MIDPOINT) / PERCENT_MIDPOINT, -1, 1);
      macd.update(close);
      (this.rawRows[row] as Float64Array)[MACD_HISTOGRAM] = macd.histogram / close;
    }
  }

  private updateHighLow(series: CandleSeries, start: number, count: number): void {
    const highLow = this.highLow;
    for (let row = 0; row < count; row++) {
      highLow.update(series.high[start + row] as number, series.low[start + row] as number);
      this.highests[row] = highLow.highest;
      this.lowests[row] = highLow.lowest;
      this.rangeFull[row] = highLow.full ? 1 : 0;
    }
  }

  private updateStochastic(series: CandleSeries, start: number, count: number): void {
    const stochastic = this.stochastic;
    for (let row = 0; row < count; row++) {
      // Stochastic.updateFromRange on the range as it stood after this candle.
      if (this.rangeFull[row] === 1) {
        stochastic.updateFromExtremes(
          this.highests[row] as number,
          this.lowests[row] as number,
          series.close[start + row] as number,
        );
      }
      const out = this.outRows[row] as Float32Array;
      out[STOCHASTIC_K] = clampFeature((stochastic.k - PERCENT_MIDPOINT) / PERCENT_MIDPOINT, -1, 1);
    }
  }

  private updateAdx(series: CandleSeries, start: number, count: number): void {
    for (let row = 0; row < count; row++) {
      const index = start + row;
      const adx = this.adx.update(
        series.high[index] as number,
        series.low[index] as number,
        series.close[index] as number,
      );
      (this.outRows[row] as Float32Array)[ADX] = clampFeature(adx / PERCENT, 0, 1);
    }
  }

  private updateAtr(series: CandleSeries, start: number, count: number): void {
    const atr = this.atr;
    for (let row = 0; row < count; row++) {
      const index = start + row;
      const close = series.close[index] as number;
      const value = atr.update(series.high[index] as number, series.low[index] as number, close);
      this.atrs[row] = value;
      (this.outRows[row] as Float32Array)[ATR_TO_PRICE] = clampFeature(value / close, 0, 1);
    }
  }

  private updateBands(series: CandleSeries, start: number, count: number): void {
    const bollinger = this.bollinger;
    for (let row = 0; row < count; row++) {
      const out = this.outRows[row] as Float32Array;
      const close = series.close[start + row] as number;
      bollinger.update(close);
      // 2·%B − 1 = (close − middle) / (k·σ): −1 on the lower band, +1 on the upper one, 0 on the middle.
      out[BOLLINGER_PERCENT_B] = clipFeature(bollinger.zScore(close) / BOLLINGER_DEVIATIONS);
      (this.rawRows[row] as Float64Array)[BOLLINGER_BANDWIDTH] =
        (2 * BOLLINGER_DEVIATIONS * bollinger.standardDeviation) / bollinger.mean;
    }
  }

  private updateVolume(series: CandleSeries, start: number, count: number): void {
    const obvHistory = this.obvHistory;
    for (let row = 0; row < count; row++) {
      const index = start + row;
      const volume = series.volume[index] as number;
      (this.rawRows[row] as Float64Array)[VOLUME] = Math.log(Math.max(volume, VOLUME_FLOOR));
      const obv = this.obv.update(series.close[index] as number, volume);
      obvHistory.push(obv);
      const windowVolume = this.volumeAverage.update(volume) * this.obvSlopeWindow;
      // Net signed volume over the window as a share of all its volume: −1 (every candle fell) to +1.
      (this.outRows[row] as Float32Array)[OBV_SLOPE] = clampFeature(
        (obv - obvHistory.ago(this.obvSlopeWindow)) / windowVolume,
        -1,
        1,
      );
    }
  }

  private updateVolumeProfile(series: CandleSeries, start: number, count: number): void {
    const volumeProfile = this.volumeProfile;
    for (let row = 0; row < count; row++) {
      const index = start + row;
      const close = series.close[index] as number;
      volumeProfile.update(
        series.high[index] as number,
        series.low[index] as number,
        close,
        series.volume[index] as number,
      );
      // VolumeProfile's closeToPocAtr, with the ATR updateAtr computed: (close − POC) / ATR.
      (this.outRows[row] as Float32Array)[POC_DISTANCE] = clipFeature(
        (close - volumeProfile.pointOfControl) / (this.atrs[row] as number),
      );
    }
  }

  private updateZScores(_series: CandleSeries, _start: number, count: number): void {
    this.zScores.updateRows(this.rawRows, this.outRows, count);
  }

  private updateLevels(series: CandleSeries, start: number, count: number): void {
    const levels = this.levels;
    for (let row = 0; row < count; row++) {
      const index = start + row;
      const out = this.outRows[row] as Float32Array;
      const close = series.close[index] as number;
      levels.update(series.high[index] as number, series.low[index] as number, close);
      const atr = this.atrs[row] as number;
      out[SUPPORT_DISTANCE] = clampFeature(distanceInAtr(close - levels.support, atr), 0, FEATURE_CLIP);
      out[RESISTANCE_DISTANCE] = clampFeature(distanceInAtr(levels.resistance - close, atr), 0, FEATURE_CLIP);
    }
  }
}

/** One part of a symbol's update, called with the SymbolFeatures as `this`. */
type UpdatePart = (this: SymbolFeatures, series: CandleSeries, start: number, count: number) => void;

/**
 * A price distance in ATRs; NaN while the ATR is undefined, +∞ (clipped to the far bound) when there is no
 * level (its price is NaN) or the ATR is 0.
 */
function distanceInAtr(distance: number, atr: number): number {
  if (Number.isNaN(atr)) return Number.NaN;
  if (Number.isNaN(distance)) return Number.POSITIVE_INFINITY;
  return distance / atr;
}
