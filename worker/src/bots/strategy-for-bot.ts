/**
 * The strategy a bot runs. Until the AI agents and the meta-agent land, every bot runs the built-in sma-cross
 * (fast/slow periods from an agent entry's options when given); the decision reason says so, naming the agents the
 * bot's configuration asked for, so no decision pretends to come from an agent that does not exist yet.
 */
import { smaCross } from '@keel/core/strategy/sma-cross.ts';
import type { Decision, DecisionContext, Strategy } from '@keel/core/strategy/types.ts';
import type { AgentConfig } from '@keel/db';

function period(agents: readonly AgentConfig[], key: 'fast' | 'slow'): number | undefined {
  for (const agent of agents) {
    const value = agent[key];
    if (typeof value === 'number') return value;
  }
  return undefined;
}

export function strategyForBot(agents: readonly AgentConfig[], symbols: readonly string[]): Strategy {
  const fast = period(agents, 'fast');
  const slow = period(agents, 'slow');
  const inner = smaCross({ ...(fast === undefined ? {} : { fast }), ...(slow === undefined ? {} : { slow }) })(symbols);
  const asked =
    agents.length === 0 ? 'no agents configured' : `stands in for agents ${agents.map((a) => a.name).join(', ')}`;
  const note = `built-in ${inner.name} (${asked}; AI agents not available yet)`;
  return {
    name: inner.name,
    warmupCandles: inner.warmupCandles,
    onCandle(context: DecisionContext, out: Decision): void {
      inner.onCandle(context, out);
      if (out.action !== 'hold') out.reason = `${note}: ${out.reason}`;
    },
  };
}
