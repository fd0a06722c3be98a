/**
 * Streaming market-regime detector: bull, bear or sideways per symbol, from past candles only.
 *
 * Rule, on each closed candle (defaults for hourly candles):
 *   slope = ln(EMA_t / EMA_{t−L}) of the close's EMA(300) over the last L = 24 candles (the long trend's drift);
 *   strength = ADX(14) / 100 (is the market trending at all?).
 * - Enter bull when slope ≥ +enterSlope (0.6% a day), the close is above the EMA and ADX ≥ 20; bear mirrored.
 * - Stay in bull (bear) while slope stays above +exitSlope (below −exitSlope), 0.1% a day: the gap between the enter
 *   and exit thresholds is the hysteresis that keeps the regime from flapping around a threshold. ADX is not needed
 *   to stay: it dips inside every trend's pauses.
 * - Otherwise sideways. Sideways until the EMA and ADX have their first values and L slopes are in.
 * Bull can turn into bear directly when the bear entry holds (a crash out of a rally).
 * Every input at candle t is candle t or earlier; state is per symbol in typed arrays and indicator objects, so
 * there is no allocation per candle.
 */
import { AverageDirectionalIndex } from '../indicators/adx.ts';
import { ExponentialMovingAverage } from '../indicators/ema.ts';
import type { CandleSeries } from '../market/types.ts';
import type { Regime } from './types.ts';

export interface RegimeOptions {
  /** EMA period of the long trend, candles; default 300 (12.5 days of hourly candles). */
  emaPeriod?: number;
  /** Candles over which the EMA's slope is measured; default 24. */
  slopeCandles?: number;
  /** ln-slope over slopeCandles that starts a trend regime; default 0.006. */
  enterSlope?: number;
  /** ln-slope over slopeCandles below which a trend regime ends; default 0.001. */
  exitSlope?: number;
  /** ADX / 100 needed to start a trend regime; default 0.2. */
  minAdx?: number;
}

export const REGIME_DEFAULTS: Required<RegimeOptions> = {
  emaPeriod: 300,
  slopeCandles: 24,
  enterSlope: 0.006,
  exitSlope: 0.001,
  minAdx: 0.2,
};

export const REGIMES: readonly Regime[] = ['sideways', 'bull', 'bear'];
const SIDEWAYS = 0;
const BULL = 1;
const BEAR = 2;

export class RegimeOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegimeOptionsError';
  }
}

export class RegimeDetector {
  readonly options: Readonly<Required<RegimeOptions>>;
  /** Candles of a symbol before its regime can leave sideways. */
  readonly warmupCandles: number;
  private readonly emas: ExponentialMovingAverage[];
  private readonly adxs: AverageDirectionalIndex[];
  /** Per symbol, a ring of the last slopeCandles + 1 EMA values. */
  private readonly emaHistory: Float64Array;
  /** Per symbol, the ring slot the next EMA value goes to. */
  private readonly ringCursors: Int32Array;
  private readonly candlesSeen: Int32Array;
  /** Per symbol: SIDEWAYS, BULL or BEAR (index into REGIMES). */
  private readonly regimeCodes: Uint8Array;

  constructor(symbolCount: number, options: RegimeOptions = {}) {
    const resolved = { ...REGIME_DEFAULTS, ...options };
    checkOptions(resolved);
    this.options = resolved;
    this.emas = Array.from({ length: symbolCount }, () => new ExponentialMovingAverage({ period: resolved.emaPeriod }));
    this.adxs = Array.from({ length: symbolCount }, () => new AverageDirectionalIndex());
    const adxLookback = new AverageDirectionalIndex().lookback;
    this.warmupCandles = Math.max(resolved.emaPeriod - 1 + resolved.slopeCandles, adxLookback);
    this.emaHistory = new Float64Array(symbolCount * (resolved.slopeCandles + 1));
    this.ringCursors = new Int32Array(symbolCount);
    this.candlesSeen = new Int32Array(symbolCount);
    this.regimeCodes = new Uint8Array(symbolCount);
  }

  /** Feeds candle `index` of the symbol's series (each candle once, in order) and returns its regime. */
  update(symbolIndex: number, series: CandleSeries, index: number): Regime {
    const { slopeCandles, enterSlope, exitSlope, minAdx } = this.options;
    const close = series.close[index] as number;
    const ema = (this.emas[symbolIndex] as ExponentialMovingAverage).update(close);
    const adx =
      (this.adxs[symbolIndex] as AverageDirectionalIndex).update(
        series.high[index] as number,
        series.low[index] as number,
        close,
      ) / 100;
    const seen = this.candlesSeen[symbolIndex] as number;
    if (seen <= this.warmupCandles) this.candlesSeen[symbolIndex] = seen + 1;
    const ringSize = slopeCandles + 1;
    const cursor = this.ringCursors[symbolIndex] as number;
    const oldest = cursor + 1 === ringSize ? 0 : cursor + 1;
    this.ringCursors[symbolIndex] = oldest;
    const ringStart = symbolIndex * ringSize;
    this.emaHistory[ringStart + cursor] = ema;
    if (seen < this.warmupCandles) return 'sideways';
    const slope = Math.log(ema / (this.emaHistory[ringStart + oldest] as number));
    const current = this.regimeCodes[symbolIndex] as number;
    let next = SIDEWAYS;
    if (slope >= enterSlope && close > ema && adx >= minAdx) next = BULL;
    else if (slope <= -enterSlope && close < ema && adx >= minAdx) next = BEAR;
    else if (current === BULL && slope > exitSlope) next = BULL;
    else if (current === BEAR && slope < -exitSlope) next = BEAR;
    this.regimeCodes[symbolIndex] = next;
    return REGIMES[next] as Regime;
  }

  /** The symbol's regime after its last candle. */
  regime(symbolIndex: number): Regime {
    return REGIMES[this.regimeCodes[symbolIndex] as number] as Regime;
  }
}

function checkOptions(options: Required<RegimeOptions>): void {
  const { emaPeriod, slopeCandles, enterSlope, exitSlope, minAdx } = options;
  if (!(Number.isInteger(emaPeriod) && emaPeriod >= 2 && Number.isInteger(slopeCandles) && slopeCandles >= 1)) {
    throw new RegimeOptionsError(
      `regime emaPeriod and slopeCandles must be whole numbers ≥ 2 and ≥ 1; got ${emaPeriod}, ${slopeCandles}`,
    );
  }
  if (!(enterSlope > 0 && exitSlope >= 0 && exitSlope <= enterSlope)) {
    throw new RegimeOptionsError(
      `regime needs 0 ≤ exitSlope ≤ enterSlope, enterSlope > 0; got ${exitSlope}, ${enterSlope}`,
    );
  }
  if (!(minAdx >= 0 && minAdx <= 1)) throw new RegimeOptionsError(`regime minAdx is ADX / 100, 0…1; got ${minAdx}`);
}
