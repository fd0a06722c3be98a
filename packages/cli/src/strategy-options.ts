/** The `--strategy` option and each built-in strategy's own options, shared by the commands that run strategies. */
import { AGENT_STRATEGY_NAMES, type Agent, agentStrategy, isAgentStrategyName } from '@keel/core/agents/index.ts';
import type { RiskTolerance } from '@keel/core/agents/types.ts';
import { smaCross } from '@keel/core/strategy/sma-cross.ts';
import type { StrategyFactory } from '@keel/core/strategy/types.ts';
import { numberOption, type OptionSpec, UsageError } from './command.ts';
import { ppoAgentFromModelDir } from './ppo-strategy.ts';

export const STRATEGY_NAMES = ['sma-cross', ...AGENT_STRATEGY_NAMES] as const;
const RISK_TOLERANCES: readonly RiskTolerance[] = ['low', 'medium', 'high'];

export const strategyOptions: Record<string, OptionSpec> = {
  strategy: {
    type: 'string',
    valueName: 'NAME',
    default: 'sma-cross',
    description: `strategy: ${STRATEGY_NAMES.join(', ')} (the agents and the ensemble read features)`,
  },
  fast: { type: 'string', valueName: 'N', default: '10', description: 'sma-cross: fast SMA period' },
  slow: { type: 'string', valueName: 'N', default: '30', description: 'sma-cross: slow SMA period' },
  'risk-tolerance': {
    type: 'string',
    valueName: 'LEVEL',
    default: 'medium',
    description: `ensemble: the user's risk tolerance, ${RISK_TOLERANCES.join(', ')} (agent weights, largest position)`,
  },
  model: { type: 'string', valueName: 'DIR', description: 'ppo, ensemble: a trained PPO model directory' },
};

export interface ChosenStrategy {
  factory: StrategyFactory;
  name: string;
  /** The strategy reads feature vectors: run it with a FeatureEngine. */
  readsFeatures: boolean;
}

export function strategyFromOptions(values: Record<string, unknown>): ChosenStrategy {
  const strategy = values.strategy;
  if (strategy === 'sma-cross') {
    const fast = numberOption(values, 'fast', { integer: true, min: 1 });
    const slow = numberOption(values, 'slow', { integer: true, min: 2 });
    return { factory: smaCross({ fast, slow }), name: `sma-cross(${fast},${slow})`, readsFeatures: false };
  }
  if (strategy === 'ppo') return { factory: ppoStrategyFromOptions(values), name: 'ppo', readsFeatures: true };
  if (strategy === 'ensemble') {
    const riskTolerance = riskToleranceOption(values);
    const extraAgent = ppoVoterFromOptions(values);
    const factory = agentStrategy('ensemble', { riskTolerance, ...(extraAgent === null ? {} : { extraAgent }) });
    const voters = extraAgent === null ? '4 rule agents' : '4 rule agents + ppo';
    return { factory, name: `ensemble(${voters}, ${riskTolerance} risk tolerance)`, readsFeatures: true };
  }
  if (isAgentStrategyName(strategy)) return { factory: agentStrategy(strategy), name: strategy, readsFeatures: true };
  throw new UsageError(
    `unknown strategy ${JSON.stringify(strategy)}; choose one of ${STRATEGY_NAMES.join(', ')} (ppo with --model DIR)`,
  );
}

function riskToleranceOption(values: Record<string, unknown>): RiskTolerance {
  const level = values['risk-tolerance'] ?? 'medium';
  if (RISK_TOLERANCES.includes(level as RiskTolerance)) return level as RiskTolerance;
  throw new UsageError(`--risk-tolerance must be one of ${RISK_TOLERANCES.join(', ')}; got ${JSON.stringify(level)}`);
}

/**
 * PPO HOOK — `--strategy ppo --model DIR`: the PPO agent alone (packages/core/src/ppo), from the model in DIR.
 */
function ppoStrategyFromOptions(values: Record<string, unknown>): StrategyFactory {
  const agent = ppoVoterFromOptions(values);
  if (agent === null) throw new UsageError('--strategy ppo needs --model DIR (a trained PPO model)');
  return agent;
}

/**
 * PPO HOOK — `--model DIR`: the PPO agent built for the run's symbols, which joins the ensemble's vote (and runs
 * alone for --strategy ppo); null without --model. A missing, corrupt or mismatched model is a ModelError.
 */
export function ppoVoterFromOptions(values: Record<string, unknown>): ((symbols: readonly string[]) => Agent) | null {
  const model = values.model;
  if (model === undefined) return null;
  if (typeof model !== 'string' || model === '') throw new UsageError('--model needs a model directory');
  return ppoAgentFromModelDir(model);
}
