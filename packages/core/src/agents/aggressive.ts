/**
 * aggressive: momentum and breakouts, large positions, fast entries and exits (no confirmation wait).
 *
 * Momentum score M = 0.3·s(log_return_4_z, 1.5) + 0.2·s(log_return_1_z, 1.5) + 0.2·s(macd_histogram_z, 1.5)
 *                  + 0.15·s(bollinger_percent_b, 1) + 0.15·s(stochastic_k, 0.6), s(x, full) = x / full in [−1, 1].
 * Breakout: a close outside the Bollinger band (|%B| ≥ 1 on our 2·%B − 1 scale) on heavy volume adds
 * 0.25·s(volume_z, 2) in the direction of M: volume confirms the break.
 * - Buy when M ≥ 0.2 (strength = M + breakout, at most 1): target exposure 0.5 + 0.5·strength (half to all of
 *   equity), confidence 0.5 + 0.5·strength.
 * - Sell everything as soon as momentum fades: M ≤ −0.15; confidence 0.5 + 0.5·|M + breakout|.
 * - Hold otherwise, and through the feature warm-up.
 * - Order flow (signals/: the taker buy/sell imbalance of the symbol's last minute of trades, when the live worker
 *   has it): the smoothed M gains 0.1·taker_flow_imbalance before the thresholds — takers buying is momentum
 *   starting, but a minute of trades is a nudge on an hourly decision, never a reason alone (a full imbalance
 *   moves M by a quarter of the entry threshold). Masked (always in backtests): M is unchanged.
 * The score is smoothed over a day before the thresholds apply (score-smoothing.ts), and the holding rules of
 * holding-period.ts apply to every decision: no top-ups while long, own exits only after MIN_HOLDING_CANDLES.
 */
import { FEATURE_INDEX, FEATURE_NAMES } from '../features/feature-names.ts';
import { signalValue } from '../signals/signal-vector.ts';
import { type Decision, type DecisionContext, holdDecision } from '../strategy/types.ts';
import type { RuleAgentOptions } from './agent-options.ts';
import { featuresFor } from './features-required.ts';
import { HoldingPeriod } from './holding-period.ts';
import { ScoreSmoothing } from './score-smoothing.ts';
import { confidenceFromStrength, unitInterval, unitSignal } from './signal.ts';
import type { Agent } from './types.ts';
import { FEATURE_WARMUP_CANDLES, WarmupGate } from './warmup.ts';

const {
  log_return_4_z: RETURN_4,
  log_return_1_z: RETURN_1,
  macd_histogram_z: MACD,
  bollinger_percent_b: PERCENT_B,
  stochastic_k: STOCHASTIC,
  volume_z: VOLUME,
} = FEATURE_INDEX;

const ENTRY_MOMENTUM = 0.4;
const EXIT_MOMENTUM = -0.3;
/** |2·%B − 1| ≥ 1: the close is outside the Bollinger band. */
const BAND_EDGE = 1;
const BREAKOUT_WEIGHT = 0.25;
const MIN_EXPOSURE = 0.5;
/** Weight of the order-flow signal on the smoothed score: light, next to any feature term's 0.15–0.3. */
const TAKER_FLOW_WEIGHT = 0.1;

export class AggressiveAgent implements Agent {
  readonly name = 'aggressive' as const;
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
    const return4 = 0.3 * unitSignal(features[RETURN_4] as number, 1.5);
    const return1 = 0.2 * unitSignal(features[RETURN_1] as number, 1.5);
    const macd = 0.2 * unitSignal(features[MACD] as number, 1.5);
    const percentB = features[PERCENT_B] as number;
    const band = 0.15 * unitSignal(percentB, 1);
    const stochastic = 0.15 * unitSignal(features[STOCHASTIC] as number, 0.6);
    const symbolIndex = context.symbolIndex;
    const smoothed = this.smoothing.update(symbolIndex, return4 + return1 + macd + band + stochastic);
    const takerFlow = signalValue(context.signals, 'taker_flow_imbalance');
    // After the smoothing, so the day-long EMA is the same with or without the signal; masked: M is untouched.
    const momentum = Number.isNaN(takerFlow) ? smoothed : smoothed + TAKER_FLOW_WEIGHT * takerFlow;
    const outsideBand = percentB >= BAND_EDGE || percentB <= -BAND_EDGE;
    const volumeStrength = outsideBand ? BREAKOUT_WEIGHT * unitInterval(unitSignal(features[VOLUME] as number, 2)) : 0;
    const breakout = momentum >= 0 ? volumeStrength : -volumeStrength;
    contributions[RETURN_4] = return4;
    contributions[RETURN_1] = return1;
    contributions[MACD] = macd;
    contributions[PERCENT_B] = band;
    contributions[STOCHASTIC] = stochastic;
    contributions[VOLUME] = breakout;
    if (!this.warmup.passCandle(symbolIndex)) holdDecision(out, 'aggressive: warming up');
    else if (momentum >= ENTRY_MOMENTUM) {
      const strength = unitInterval(momentum + breakout);
      out.action = 'buy';
      out.targetExposure = MIN_EXPOSURE + (1 - MIN_EXPOSURE) * strength;
      out.confidence = confidenceFromStrength(strength);
      out.reason = breakout > 0 ? 'aggressive: breakout on volume' : 'aggressive: upward momentum';
    } else if (momentum <= EXIT_MOMENTUM) {
      out.action = 'sell';
      out.targetExposure = 0;
      out.confidence = confidenceFromStrength(-(momentum + breakout));
      out.reason = 'aggressive: momentum faded';
    } else holdDecision(out, 'aggressive: no momentum');
    this.holding.apply(symbolIndex, out);
  }

  explain(out: Float32Array): void {
    out.set(this.contributions);
  }
}
