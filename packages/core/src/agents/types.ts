/**
 * The agent contract shared by the four rule agents, the PPO agent and the meta-agent (issue #3).
 *
 * An agent is a Strategy that reads the feature vector (DecisionContext.features is never null for an agent:
 * the pipeline runs it with a FeatureSource) and can say which features drove its last decision. The
 * meta-agent runs every agent on every candle — so each one's shadow portfolio and rolling Sharpe stay
 * current — and picks or weights them; its rationale record goes to the audit trail.
 */
import type { Action, Strategy } from '../strategy/types.ts';

export type AgentName = 'conservative' | 'aggressive' | 'balanced' | 'contrarian' | 'ppo';
export const RULE_AGENT_NAMES = ['conservative', 'aggressive', 'balanced', 'contrarian'] as const;
export type RuleAgentName = (typeof RULE_AGENT_NAMES)[number];

export type Regime = 'bull' | 'bear' | 'sideways';
export type RiskTolerance = 'low' | 'medium' | 'high';

export interface Agent extends Strategy {
  readonly name: AgentName;
  /**
   * Writes, for the decision just made by onCandle, each feature's signed contribution to it (same column order
   * as the feature vector; 0 for features the agent ignored). Rule agents know which terms they used; the PPO
   * agent uses gradient × input of the chosen action's logit. Called only when a rationale is wanted.
   */
  explain(out: Float32Array): void;
}

/** One agent's say on one decision. */
export interface AgentVote {
  agent: AgentName;
  action: Action;
  targetExposure: number;
  confidence: number;
  /** Rolling Sharpe of the agent's shadow portfolio when it voted (annualised; 0 until enough history). */
  recentSharpe: number;
  /** The weight the meta-agent gave this vote, 0 to 1; all weights of one decision sum to 1. */
  weight: number;
}

export interface FeatureContribution {
  feature: string;
  value: number;
  contribution: number;
}

/** Why the meta-agent decided what it did: stored with the decision and shown in the dashboard's decision log. */
export interface DecisionRationale {
  time: number;
  symbol: string;
  regime: Regime;
  riskTolerance: RiskTolerance;
  chosenAgent: AgentName;
  votes: AgentVote[];
  topFeatures: FeatureContribution[];
}
