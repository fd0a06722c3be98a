/** The `--strategy` option and each built-in strategy's own options, shared by the commands that run strategies. */
import { smaCross } from '@keel/core/strategy/sma-cross.ts';
import type { StrategyFactory } from '@keel/core/strategy/types.ts';
import { numberOption, type OptionSpec, UsageError } from './command.ts';

export const STRATEGY_NAMES = ['sma-cross'] as const;

export const strategyOptions: Record<string, OptionSpec> = {
  strategy: {
    type: 'string',
    valueName: 'NAME',
    default: 'sma-cross',
    description: `strategy: ${STRATEGY_NAMES.join(', ')}`,
  },
  fast: { type: 'string', valueName: 'N', default: '10', description: 'sma-cross: fast SMA period' },
  slow: { type: 'string', valueName: 'N', default: '30', description: 'sma-cross: slow SMA period' },
};

export function strategyFromOptions(values: Record<string, unknown>): { factory: StrategyFactory; name: string } {
  const strategy = values.strategy;
  if (strategy === 'sma-cross') {
    const fast = numberOption(values, 'fast', { integer: true, min: 1 });
    const slow = numberOption(values, 'slow', { integer: true, min: 2 });
    return { factory: smaCross({ fast, slow }), name: `sma-cross(${fast},${slow})` };
  }
  throw new UsageError(`unknown strategy ${JSON.stringify(strategy)}; choose one of ${STRATEGY_NAMES.join(', ')}`);
}
