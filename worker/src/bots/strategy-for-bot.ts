/**
 * The strategy a bot runs, from its configured agents (bots.agents: the names the dashboard and API offer):
 * - several agents: the meta-agent ('ensemble') over the rule agents named, with the PPO agent as one more voter
 *   when 'ppo' is named and the platform has a promoted model;
 * - one rule agent: that agent alone; 'ppo' alone: the PPO agent, or — without a usable model — the ensemble of
 *   the four rule agents, said in the log and in every decision's rationale;
 * - only other names (e.g. 'sma-cross', with `fast`/`slow` options): the built-in sma-cross, the backtester's
 *   reference strategy; no agents at all: the ensemble of the four rule agents.
 * Models come from the server's models folder only (KEEL_MODELS_DIR), never from a path in a user's bot config.
 */
import { agentStrategy, type DecisionRationale, type RiskTolerance } from '@keel/core/agents/index.ts';
import { RULE_AGENT_NAMES, type RuleAgentName } from '@keel/core/agents/types.ts';
import { ModelError } from '@keel/core/ppo/model-error.ts';
import { ppoAgent } from '@keel/core/ppo/ppo-agent.ts';
import { smaCross } from '@keel/core/strategy/sma-cross.ts';
import type { Strategy } from '@keel/core/strategy/types.ts';
import type { AgentConfig } from '@keel/db';
import type { Logger } from '../logger.ts';
import { currentModelDir, loadModel } from '../models/model-files.ts';

export interface BotStrategyOptions {
  riskTolerance: RiskTolerance;
  /** The platform's models folder (versions + CURRENT); null: no PPO model. */
  modelsDir: string | null;
  logger: Logger;
}

export interface BotStrategy {
  strategy: Strategy;
  /** Whether the pipeline must feed it the feature vector (every agent does; sma-cross does not). */
  readsFeatures: boolean;
  /** What runs, for the log and the audit trail. */
  description: string;
  /** The rationale of the decision just made, if the strategy gives one; reading it clears it. */
  takeRationale(): DecisionRationale | null;
}

function isRuleAgent(name: string): name is RuleAgentName {
  return (RULE_AGENT_NAMES as readonly string[]).includes(name);
}

function period(agents: readonly AgentConfig[], key: 'fast' | 'slow'): number | undefined {
  for (const agent of agents) {
    const value = agent[key];
    if (typeof value === 'number') return value;
  }
  return undefined;
}

/** The PPO agent factory of the promoted model, or null with the reason logged (the rule agents run instead). */
function promotedPpo(options: BotStrategyOptions) {
  const dir = options.modelsDir === null ? null : currentModelDir(options.modelsDir);
  if (dir === null) {
    options.logger.warn({ modelsDir: options.modelsDir }, 'no promoted PPO model: the rule agents decide without it');
    return null;
  }
  try {
    return ppoAgent(loadModel(dir));
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    options.logger.warn({ modelDir: dir, reason: error.message }, 'PPO model refused: the rule agents decide alone');
    return null;
  }
}

function smaCrossFor(agents: readonly AgentConfig[], symbols: readonly string[]): BotStrategy {
  const fast = period(agents, 'fast');
  const slow = period(agents, 'slow');
  const strategy = smaCross({ ...(fast === undefined ? {} : { fast }), ...(slow === undefined ? {} : { slow }) })(
    symbols,
  );
  return { strategy, readsFeatures: false, description: `built-in ${strategy.name}`, takeRationale: () => null };
}

export function strategyForBot(
  agents: readonly AgentConfig[],
  symbols: readonly string[],
  options: BotStrategyOptions,
): BotStrategy {
  const names = agents.map((agent) => agent.name);
  const ruleAgents = names.filter(isRuleAgent);
  const wantsPpo = names.includes('ppo');
  if (ruleAgents.length === 0 && !wantsPpo && names.length > 0) {
    return smaCrossFor(agents, symbols);
  }
  const ppo = wantsPpo ? promotedPpo(options) : null;
  if (ruleAgents.length === 1 && !wantsPpo) {
    const strategy = agentStrategy(ruleAgents[0] as RuleAgentName)(symbols);
    return { strategy, readsFeatures: true, description: `${strategy.name} agent`, takeRationale: () => null };
  }
  if (ppo !== null && ruleAgents.length === 0) {
    const strategy = ppo(symbols);
    return { strategy, readsFeatures: true, description: 'PPO agent', takeRationale: () => null };
  }
  let rationale: DecisionRationale | null = null;
  const voters = ruleAgents.length === 0 ? [...RULE_AGENT_NAMES] : ruleAgents;
  const strategy = agentStrategy('ensemble', {
    agents: voters,
    riskTolerance: options.riskTolerance,
    ...(ppo === null ? {} : { extraAgent: ppo }),
    onRationale: (record) => {
      rationale = record;
    },
  })(symbols);
  const withoutModel = wantsPpo && ppo === null ? ' (PPO asked for, no usable model: rule agents only)' : '';
  return {
    strategy,
    readsFeatures: true,
    description: `ensemble of ${[...voters, ...(ppo === null ? [] : ['ppo'])].join(', ')}${withoutModel}`,
    takeRationale() {
      const taken = rationale;
      rationale = null;
      return taken;
    },
  };
}
