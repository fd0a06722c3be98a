/**
 * conservative: trend following with strict confirmation and small positions.
 *
 * Trend score T = 0.3·s(log_return_24_z, 2) + 0.3·s(macd_histogram_z, 1.5) + 0.2·s(obv_slope, 0.3)
 *               + 0.2·s(log_return_4_z, 2), where s(x, full) = x / full clamped to [−1, 1]; T is in [−1, 1].
 * - Buy when, on CONFIRMATION_CANDLES closes in a row, a trend is present (ADX ≥ 25), every term of T is positive
 *   (price, momentum and volume agree), RSI is below 70 (no chasing an overbought market) and T ≥ 0.35.
 *   Target exposure 0.3·T (at most 0.3 of equity); confidence 0.5 + 0.5·T·min(1, ADX / 40): a strong, confirmed
 *   trend earns more conviction than a borderline one.
 * - Sell everything when the trend has turned: T ≤ −0.2. Confidence 0.5 + 0.5·|T|.
 * - Hold otherwise, and through the feature warm-up.
 * The score is smoothed over a day before the thresholds apply (score-smoothing.ts), and the holding rules of
 * holding-period.ts apply to every decision: no top-ups while long, own exits only after MIN_HOLDING_CANDLES.
 */
import { FEATURE_INDEX, FEATURE_NAMES } from '../features/feature-names.ts';
import { type Decision, type DecisionContext, holdDecision } from '../strategy/types.ts';
import type { RuleAgentOptions } from './agent-options.ts';
import { featuresFor } from './features-required.ts';
import { HoldingPeriod } from './holding-period.ts';
import { ScoreSmoothing } from './score-smoothing.ts';
import { confidenceFromStrength, unitSignal } from './signal.ts';
import type { Agent } from './types.ts';
import { FEATURE_WARMUP_CANDLES, WarmupGate } from './warmup.ts';

const {
  log_return_24_z: RETURN_24,
  log_return_4_z: RETURN_4,
  macd_histogram_z: MACD,
  obv_slope: OBV_SLOPE,
  rsi: RSI,
  adx: ADX,
} = FEATURE_INDEX;

export const CONSERVATIVE_MAX_EXPOSURE = 0.3;
/** Closes in a row the entry conditions must hold: one candle is noise, three is a trend. */
const CONFIRMATION_CANDLES = 3;
const MIN_TREND_SCORE = 0.35;
const EXIT_TREND_SCORE = -0.2;
/** ADX / 100 of 25: Wilder's threshold for a trending market. */
const MIN_ADX = 0.25;
/** ADX at which the trend counts as fully strong for confidence. */
const STRONG_ADX = 0.4;
/** RSI 70, as (RSI − 50) / 50. */
const OVERBOUGHT_RSI = 0.4;

export class ConservativeAgent implements Agent {
  readonly name = 'conservative' as const;
  readonly warmupCandles: number;
  private readonly warmup: WarmupGate;
  /** Closes in a row each symbol's entry conditions have held. */
  private readonly confirmedCandles: Int32Array;
  private readonly contributions = new Float32Array(FEATURE_NAMES.length);
  private readonly smoothing: ScoreSmoothing;
  private readonly holding: HoldingPeriod;

  constructor(symbols: readonly string[], options: RuleAgentOptions = {}) {
    this.warmupCandles = options.warmupCandles ?? FEATURE_WARMUP_CANDLES;
    this.warmup = new WarmupGate(symbols.length, this.warmupCandles);
    this.confirmedCandles = new Int32Array(symbols.length);
    this.smoothing = new ScoreSmoothing(symbols.length);
    this.holding = new HoldingPeriod(this.name, symbols.length);
  }

  onCandle(context: DecisionContext, out: Decision): void {
    const features = featuresFor(context, this.name);
    const contributions = this.contributions;
    const return24 = 0.3 * unitSignal(features[RETURN_24] as number, 2);
    const macd = 0.3 * unitSignal(features[MACD] as number, 1.5);
    const obv = 0.2 * unitSignal(features[OBV_SLOPE] as number, 0.3);
    const return4 = 0.2 * unitSignal(features[RETURN_4] as number, 2);
    const symbolIndex = context.symbolIndex;
    const trend = this.smoothing.update(symbolIndex, return24 + macd + obv + return4);
    contributions[RETURN_24] = return24;
    contributions[MACD] = macd;
    contributions[OBV_SLOPE] = obv;
    contributions[RETURN_4] = return4;
    const adx = features[ADX] as number;
    const entry =
      adx >= MIN_ADX &&
      return24 > 0 &&
      macd > 0 &&
      obv > 0 &&
      return4 > 0 &&
      (features[RSI] as number) < OVERBOUGHT_RSI &&
      trend >= MIN_TREND_SCORE;
    const confirmed = entry ? Math.min(CONFIRMATION_CANDLES, (this.confirmedCandles[symbolIndex] as number) + 1) : 0;
    this.confirmedCandles[symbolIndex] = confirmed;
    if (!this.warmup.passCandle(symbolIndex)) holdDecision(out, 'conservative: warming up');
    else if (confirmed >= CONFIRMATION_CANDLES) {
      out.action = 'buy';
      out.targetExposure = CONSERVATIVE_MAX_EXPOSURE * trend;
      out.confidence = confidenceFromStrength(trend * Math.min(1, adx / STRONG_ADX));
      out.reason = 'conservative: confirmed uptrend';
    } else if (trend <= EXIT_TREND_SCORE) {
      out.action = 'sell';
      out.targetExposure = 0;
      out.confidence = confidenceFromStrength(-trend);
      out.reason = 'conservative: trend turned down';
    } else holdDecision(out, 'conservative: no confirmed trend');
    this.holding.apply(symbolIndex, out);
  }

  explain(out: Float32Array): void {
    out.set(this.contributions);
  }
}
