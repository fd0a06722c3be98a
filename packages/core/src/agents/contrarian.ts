/**
 * contrarian: mean reversion, fading extremes of RSI, Bollinger %B and stochastic, strengthened by volume spikes.
 *
 * Stretch X = −(0.35·s(rsi, 0.5) + 0.35·s(bollinger_percent_b, 1.2) + 0.3·s(stochastic_k, 0.8)), s(x, full) = x / full
 * clamped to [−1, 1]: X > 0 when oversold, X < 0 when overbought. A volume spike in the direction of the stretch
 * (capitulation or blow-off) adds 0.2·s(volume_z − 1, 2), counted only above one standard deviation. Fading a
 * strong trend is how contrarians lose: strength is cut by up to half as ADX goes from 30 to 60.
 * - Buy at an oversold extreme — RSI ≤ 30 or the close below the lower Bollinger band — with X ≥ 0.5: target
 *   exposure 0.5·strength (at most 0.5), confidence 0.5 + 0.5·strength.
 * - Sell at an overbought extreme (RSI ≥ 70 or above the upper band) with X ≤ −0.5, confidence 0.5 + 0.5·strength;
 *   or, when this agent bought the symbol, as soon as the stretch is gone (X ≤ 0: back to the mean, take the
 *   reversion), confidence 0.5 + 0.5·|X|.
 * - Sentiment (signals/: the Fear & Greed index, when the worker has a fresh reading): X gains
 *   −0.15·fear_greed (fear_greed = (index − 50) / 50), so extreme fear stretches toward a buy and extreme greed toward
 *   a sell — a crowd at an extreme is what a contrarian fades. Masked (always in backtests): X is unchanged.
 * - Hold otherwise, and through the feature warm-up. Holding discipline (holding-period.ts): no top-ups while long,
 *   and its own exits wait until the position is MIN_HOLDING_CANDLES old.
 */
import { FEATURE_INDEX, FEATURE_NAMES } from '../features/feature-names.ts';
import { signalValue } from '../signals/signal-vector.ts';
import { type Decision, type DecisionContext, holdDecision } from '../strategy/types.ts';
import type { RuleAgentOptions } from './agent-options.ts';
import { featuresFor } from './features-required.ts';
import { HoldingPeriod } from './holding-period.ts';
import { confidenceFromStrength, unitInterval, unitSignal } from './signal.ts';
import type { Agent } from './types.ts';
import { FEATURE_WARMUP_CANDLES, WarmupGate } from './warmup.ts';

const {
  rsi: RSI,
  bollinger_percent_b: PERCENT_B,
  stochastic_k: STOCHASTIC,
  volume_z: VOLUME,
  adx: ADX,
} = FEATURE_INDEX;

export const CONTRARIAN_MAX_EXPOSURE = 0.5;
/** RSI 30 / 70 as (RSI − 50) / 50, and the Bollinger bands on the 2·%B − 1 scale. */
const RSI_EXTREME = 0.4;
const BAND_EDGE = 1;
const ENTRY_STRETCH = 0.5;
const SPIKE_WEIGHT = 0.2;
/** volume_z above which a candle counts as a spike. */
const SPIKE_FROM = 1;
/** ADX / 100 from which fading gets more careful, and the span over which the cut reaches its maximum. */
const STRONG_TREND_ADX = 0.3;
const TREND_CUT_SPAN = 0.3;
const MAX_TREND_CUT = 0.5;
/** Weight of the Fear & Greed signal in the stretch: a nudge at the extremes, below any one feature's weight. */
const SENTIMENT_WEIGHT = 0.15;

export class ContrarianAgent implements Agent {
  readonly name = 'contrarian' as const;
  readonly warmupCandles: number;
  private readonly warmup: WarmupGate;
  private readonly contributions = new Float32Array(FEATURE_NAMES.length);
  private readonly holding: HoldingPeriod;

  constructor(symbols: readonly string[], options: RuleAgentOptions = {}) {
    this.warmupCandles = options.warmupCandles ?? FEATURE_WARMUP_CANDLES;
    this.warmup = new WarmupGate(symbols.length, this.warmupCandles);
    this.holding = new HoldingPeriod(this.name, symbols.length);
  }

  onCandle(context: DecisionContext, out: Decision): void {
    const features = featuresFor(context, this.name);
    const contributions = this.contributions;
    const rsiValue = features[RSI] as number;
    const percentBValue = features[PERCENT_B] as number;
    const rsi = -0.35 * unitSignal(rsiValue, 0.5);
    const percentB = -0.35 * unitSignal(percentBValue, 1.2);
    const stochastic = -0.3 * unitSignal(features[STOCHASTIC] as number, 0.8);
    const fearGreed = signalValue(context.signals, 'fear_greed');
    const sentiment = Number.isNaN(fearGreed) ? 0 : -SENTIMENT_WEIGHT * fearGreed;
    // Masked sentiment leaves the sum untouched (not even −0 + 0), so backtests decide exactly as before.
    const stretch = sentiment === 0 ? rsi + percentB + stochastic : rsi + percentB + stochastic + sentiment;
    const spikeSize = SPIKE_WEIGHT * unitInterval(unitSignal((features[VOLUME] as number) - SPIKE_FROM, 2));
    const spike = stretch >= 0 ? spikeSize : -spikeSize;
    const trendCut = 1 - MAX_TREND_CUT * unitInterval(((features[ADX] as number) - STRONG_TREND_ADX) / TREND_CUT_SPAN);
    const strength = unitInterval(Math.abs(stretch + spike) * trendCut);
    contributions[RSI] = rsi;
    contributions[PERCENT_B] = percentB;
    contributions[STOCHASTIC] = stochastic;
    contributions[VOLUME] = spike;
    const symbolIndex = context.symbolIndex;
    const long = this.holding.isLong(symbolIndex);
    if (!this.warmup.passCandle(symbolIndex)) holdDecision(out, 'contrarian: warming up');
    else if ((rsiValue <= -RSI_EXTREME || percentBValue <= -BAND_EDGE) && stretch >= ENTRY_STRETCH) {
      out.action = 'buy';
      out.targetExposure = CONTRARIAN_MAX_EXPOSURE * strength;
      out.confidence = confidenceFromStrength(strength);
      out.reason = 'contrarian: fading an oversold extreme';
    } else if ((rsiValue >= RSI_EXTREME || percentBValue >= BAND_EDGE) && stretch <= -ENTRY_STRETCH) {
      out.action = 'sell';
      out.targetExposure = 0;
      out.confidence = confidenceFromStrength(strength);
      out.reason = 'contrarian: fading an overbought extreme';
    } else if (long && stretch <= 0) {
      out.action = 'sell';
      out.targetExposure = 0;
      out.confidence = confidenceFromStrength(-stretch);
      out.reason = 'contrarian: reverted to the mean';
    } else holdDecision(out, 'contrarian: no extreme');
    this.holding.apply(symbolIndex, out);
  }

  explain(out: Float32Array): void {
    out.set(this.contributions);
  }
}
