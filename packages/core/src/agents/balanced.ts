/**
 * balanced: a blend of trend following and mean reversion, weighted by how much trend there is.
 *
 * Trend T = 0.5·s(log_return_24_z, 2) + 0.5·s(macd_histogram_z, 1.5);
 * reversion R = −(0.5·s(rsi, 0.4) + 0.5·s(bollinger_percent_b, 1)) (positive when oversold);
 * trend weight α = (ADX − 15) / 20 clamped to [0, 1]: below ADX 15 the market ranges and reversion leads, above
 * ADX 35 the trend leads. Score S = α·T + (1 − α)·R, in [−1, 1]; s(x, full) = x / full clamped to [−1, 1].
 * - Buy when S ≥ 0.3: target exposure 0.2 + 0.4·S (at most 0.6), confidence 0.5 + 0.5·S.
 * - Sell everything when S ≤ −0.3; confidence 0.5 + 0.5·|S|.
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
import { confidenceFromStrength, unitInterval, unitSignal } from './signal.ts';
import type { Agent } from './types.ts';
import { FEATURE_WARMUP_CANDLES, WarmupGate } from './warmup.ts';

const {
  log_return_24_z: RETURN_24,
  macd_histogram_z: MACD,
  rsi: RSI,
  bollinger_percent_b: PERCENT_B,
  adx: ADX,
} = FEATURE_INDEX;

const ENTRY_SCORE = 0.4;
const EXIT_SCORE = -0.4;
/** ADX / 100 below which the market counts as ranging (α = 0), and the span up to a full trend (α = 1). */
const RANGING_ADX = 0.15;
const TREND_ADX_SPAN = 0.2;
const BASE_EXPOSURE = 0.2;
const EXPOSURE_PER_SCORE = 0.4;

export class BalancedAgent implements Agent {
  readonly name = 'balanced' as const;
  readonly warmupCandles: number;
  private readonly warmup: WarmupGate;
  private readonly contributions = new Float32Array(FEATURE_NAMES.length);
  private readonly smoothing: ScoreSmoothing;
  private readonly holding: HoldingPeriod;

  constructor(symbols: readonly string[], options: RuleAgentOptions = {}) {
    this.warmupCandles = options.warmupCandles ?? FEATURE_WARMUP_CANDLES;
    this.warmup = new WarmupGate(symbols.length, this.warmupCandles);
    this.smoothing = new ScoreSmoothing(symbols.length);
    this.holding = new HoldingPeriod(this.name, symbols.length);
  }

  onCandle(context: DecisionContext, out: Decision): void {
    const features = featuresFor(context, this.name);
    const contributions = this.contributions;
    const trendWeight = unitInterval(((features[ADX] as number) - RANGING_ADX) / TREND_ADX_SPAN);
    const reversionWeight = 1 - trendWeight;
    const return24 = trendWeight * 0.5 * unitSignal(features[RETURN_24] as number, 2);
    const macd = trendWeight * 0.5 * unitSignal(features[MACD] as number, 1.5);
    const rsi = -reversionWeight * 0.5 * unitSignal(features[RSI] as number, 0.4);
    const percentB = -reversionWeight * 0.5 * unitSignal(features[PERCENT_B] as number, 1);
    const symbolIndex = context.symbolIndex;
    const score = this.smoothing.update(symbolIndex, return24 + macd + rsi + percentB);
    contributions[RETURN_24] = return24;
    contributions[MACD] = macd;
    contributions[RSI] = rsi;
    contributions[PERCENT_B] = percentB;
    if (!this.warmup.passCandle(symbolIndex)) holdDecision(out, 'balanced: warming up');
    else if (score >= ENTRY_SCORE) {
      out.action = 'buy';
      out.targetExposure = BASE_EXPOSURE + EXPOSURE_PER_SCORE * score;
      out.confidence = confidenceFromStrength(score);
      out.reason = trendWeight >= 0.5 ? 'balanced: uptrend' : 'balanced: oversold in a range';
    } else if (score <= EXIT_SCORE) {
      out.action = 'sell';
      out.targetExposure = 0;
      out.confidence = confidenceFromStrength(-score);
      out.reason = trendWeight >= 0.5 ? 'balanced: downtrend' : 'balanced: overbought in a range';
    } else holdDecision(out, 'balanced: no edge');
    this.holding.apply(symbolIndex, out);
  }

  explain(out: Float32Array): void {
    out.set(this.contributions);
  }
}
