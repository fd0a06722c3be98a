/**
 * How the meta-agent weighs its agents: a prior from the regime and one from the user's risk tolerance, times a
 * factor for each agent's recent performance, over the agents the risk mode allows; weights sum to 1.
 *
 *   weight_a ∝ REGIME_PRIOR[regime][a] × TOLERANCE_PRIOR[tolerance][a] × exp(SHARPE_SENSITIVITY × clamp(Sharpe_a, ±3))
 *
 * The priors say which style suits which market (trend followers in trends, mean reversion in ranges, caution in a
 * bear market) and which suits the user; the Sharpe factor lets an agent that has been right lately (its shadow
 * portfolio, shadow-portfolio.ts) outweigh the prior — a Sharpe 2 above another's is a factor e ≈ 2.7 — without
 * letting one lucky week decide alone (the clamp). The PPO agent has neutral priors: it earns its weight by results.
 */
import type { AgentName, Regime, RiskTolerance } from './types.ts';

export const REGIME_PRIOR: Readonly<Record<Regime, Readonly<Record<AgentName, number>>>> = {
  bull: { conservative: 1, aggressive: 1.5, balanced: 1, contrarian: 0.5, ppo: 1 },
  bear: { conservative: 1.5, aggressive: 0.25, balanced: 0.75, contrarian: 0.75, ppo: 1 },
  sideways: { conservative: 0.5, aggressive: 0.5, balanced: 1, contrarian: 1.5, ppo: 1 },
};

export const TOLERANCE_PRIOR: Readonly<Record<RiskTolerance, Readonly<Record<AgentName, number>>>> = {
  low: { conservative: 1.5, aggressive: 0.25, balanced: 1, contrarian: 0.75, ppo: 1 },
  medium: { conservative: 1, aggressive: 1, balanced: 1, contrarian: 1, ppo: 1 },
  high: { conservative: 0.75, aggressive: 1.5, balanced: 1, contrarian: 1, ppo: 1 },
};

/** The most of equity the ensemble puts in one symbol, per risk tolerance (the agent's own target is capped to it). */
export const TOLERANCE_MAX_EXPOSURE: Readonly<Record<RiskTolerance, number>> = { low: 0.3, medium: 0.6, high: 1 };

export const SHARPE_SENSITIVITY = 0.5;
export const SHARPE_CLAMP = 3;

/** The performance factor of an agent whose shadow portfolio's rolling Sharpe is `sharpe`. */
export function performanceFactor(sharpe: number): number {
  if (Number.isNaN(sharpe)) return 1;
  return Math.exp(SHARPE_SENSITIVITY * Math.min(SHARPE_CLAMP, Math.max(-SHARPE_CLAMP, sharpe)));
}

/**
 * Writes each agent's weight into `weights`: prior × performance factor where `allowed` is 1, 0 elsewhere,
 * normalised to sum 1. Returns false (all weights 0) when no agent is allowed.
 */
export function weighAgents(
  priors: Float64Array,
  sharpes: Float64Array,
  allowed: Uint8Array,
  weights: Float64Array,
): boolean {
  let total = 0;
  for (let a = 0; a < weights.length; a++) {
    const weight = allowed[a] === 1 ? (priors[a] as number) * performanceFactor(sharpes[a] as number) : 0;
    weights[a] = weight;
    total += weight;
  }
  if (!(total > 0)) {
    weights.fill(0);
    return false;
  }
  for (let a = 0; a < weights.length; a++) weights[a] = (weights[a] as number) / total;
  return true;
}
