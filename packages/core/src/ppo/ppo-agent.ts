/**
 * The PPO agent at inference: the trained policy's most probable action on each closed candle, as a target
 * exposure (flat, half or full of the model's position limit) with the action's probability as confidence. It
 * runs on the typed-array network with buffers allocated once, so a decision allocates nothing; explain() is
 * gradient × input of the chosen action's logit over the feature columns.
 */

import { featuresFor } from '../agents/features-required.ts';
import type { Agent } from '../agents/types.ts';
import { type Decision, type DecisionContext, holdDecision } from '../strategy/types.ts';
import { ACTION_LABELS, needsRebalance, targetExposureOf } from './actions.ts';
import type { PpoModel } from './model-artifacts.ts';
import { PolicyNetwork } from './policy-network.ts';

const WARMUP_REASON = 'ppo: features warming up';
const DECISION_REASONS = ACTION_LABELS.map((label) => `ppo policy: ${label} exposure`);

/** Builds the agent for a run's symbols: a StrategyFactory, and the ensemble's `extraAgent`. */
export function ppoAgent(model: PpoModel): (symbols: readonly string[]) => PpoAgent {
  return () => new PpoAgent(model);
}

export class PpoAgent implements Agent {
  readonly name = 'ppo' as const;
  readonly warmupCandles: number;
  private readonly network: PolicyNetwork;
  private readonly inputScale: Float32Array;
  private readonly maxExposure: number;
  private readonly input: Float32Array;
  private readonly gradient: Float32Array;
  private readonly featureCount: number;
  /** Action of the last decision, -1 when it was not the network's (no features, warm-up). */
  private lastAction = -1;

  constructor(model: PpoModel) {
    this.network = new PolicyNetwork(model.weights);
    this.inputScale = model.inputScale;
    this.maxExposure = model.manifest.actions.maxExposure;
    this.warmupCandles = model.manifest.warmupCandles;
    this.featureCount = model.inputScale.length;
    this.input = new Float32Array(model.weights.shape.inputSize);
    this.gradient = new Float32Array(model.weights.shape.inputSize);
  }

  onCandle(context: DecisionContext, out: Decision): void {
    const features = featuresFor(context, this.name);
    if (context.index < this.warmupCandles) {
      this.lastAction = -1;
      holdDecision(out, WARMUP_REASON);
      return;
    }
    for (let k = 0; k < this.featureCount; k++) {
      this.input[k] = (features[k] as number) * (this.inputScale[k] as number);
    }
    const close = context.series.close[context.index] as number;
    const exposure = context.equityQuote > 0 ? (context.positionQtyBase * close) / context.equityQuote : 0;
    this.input[this.featureCount] = Math.min(1, Math.max(0, exposure));
    this.network.forward(this.input);
    const action = this.network.greedyAction();
    const target = targetExposureOf(action, this.maxExposure);
    this.lastAction = action;
    out.targetExposure = target;
    out.confidence = this.network.probabilities[action] as number;
    out.reason = DECISION_REASONS[action] as string;
    out.action = !needsRebalance(exposure, target, this.maxExposure) ? 'hold' : target > exposure ? 'buy' : 'sell';
  }

  explain(out: Float32Array): void {
    if (this.lastAction < 0) {
      out.fill(0);
      return;
    }
    this.network.logitGradient(this.lastAction, this.gradient);
    for (let k = 0; k < out.length; k++) {
      out[k] = k < this.featureCount ? (this.gradient[k] as number) * (this.input[k] as number) : 0;
    }
  }
}
