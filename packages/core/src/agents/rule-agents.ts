/** The four rule agents by name. */
import type { RuleAgentOptions } from './agent-options.ts';
import { AggressiveAgent } from './aggressive.ts';
import { BalancedAgent } from './balanced.ts';
import { ConservativeAgent } from './conservative.ts';
import { ContrarianAgent } from './contrarian.ts';
import type { Agent, RuleAgentName } from './types.ts';

export function createRuleAgent(
  name: RuleAgentName,
  symbols: readonly string[],
  options: RuleAgentOptions = {},
): Agent {
  switch (name) {
    case 'conservative':
      return new ConservativeAgent(symbols, options);
    case 'aggressive':
      return new AggressiveAgent(symbols, options);
    case 'balanced':
      return new BalancedAgent(symbols, options);
    case 'contrarian':
      return new ContrarianAgent(symbols, options);
  }
}
