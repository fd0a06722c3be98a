/**
 * The agent stage: four rule agents, the regime detector, shadow portfolios and the meta-agent that weighs them.
 * `agentStrategy(name, options)` builds any of them as a StrategyFactory for the backtester and the worker; every
 * one reads features, so run it with a FeatureSource (FeatureEngine).
 */
import type { StrategyFactory } from '../strategy/types.ts';
import type { RuleAgentOptions } from './agent-options.ts';
import { MetaAgent, type MetaAgentOptions } from './meta-agent.ts';
import { createRuleAgent } from './rule-agents.ts';
import { type Agent, RULE_AGENT_NAMES, type RuleAgentName } from './types.ts';

export { AgentFeaturesError } from './features-required.ts';
export { MetaAgent, type MetaAgentOptions, MetaAgentOptionsError } from './meta-agent.ts';
export { RegimeDetector, type RegimeOptions } from './regime.ts';
export { createRuleAgent } from './rule-agents.ts';
export { ShadowPortfolios } from './shadow-portfolio.ts';
export * from './types.ts';

export const AGENT_STRATEGY_NAMES = [...RULE_AGENT_NAMES, 'ensemble'] as const;
export type AgentStrategyName = (typeof AGENT_STRATEGY_NAMES)[number];

export interface AgentStrategyOptions extends Omit<MetaAgentOptions, 'extraAgent'> {
  /** Builds the extra voter of the ensemble (the PPO agent) for the run's symbols; ignored by a single agent. */
  extraAgent?: (symbols: readonly string[]) => Agent;
}

export function isAgentStrategyName(name: unknown): name is AgentStrategyName {
  return typeof name === 'string' && (AGENT_STRATEGY_NAMES as readonly string[]).includes(name);
}

/** A rule agent, or the ensemble of them, by name. */
export function agentStrategy(name: AgentStrategyName, options: AgentStrategyOptions = {}): StrategyFactory {
  if (name === 'ensemble') {
    const { extraAgent, ...metaOptions } = options;
    return (symbols) =>
      new MetaAgent(
        symbols,
        extraAgent === undefined ? metaOptions : { ...metaOptions, extraAgent: extraAgent(symbols) },
      );
  }
  const ruleOptions: RuleAgentOptions = options.ruleAgents ?? {};
  return (symbols) => createRuleAgent(name as RuleAgentName, symbols, ruleOptions);
}
