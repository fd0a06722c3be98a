import { describe, expect, it } from 'vitest';
import { aimVerdict } from './aim.ts';
import type { EvaluationRow } from './run-evaluation.ts';

const row = (strategy: string, sharpe: number | null, maxDrawdown: number): EvaluationRow => ({
  strategy,
  coin: 'BTC-USDT',
  totalReturn: 0,
  sharpe,
  sortino: null,
  maxDrawdown,
  winRate: null,
  trades: 0,
});

describe('aimVerdict', () => {
  it('is met only with the best Sharpe and at most half of buy-and-hold’s drawdown', () => {
    const rows = [row('balanced', 0.9, 0.2), row('ensemble', 1.1, 0.3), row('buy-and-hold', 1, 0.6)];
    expect(aimVerdict(rows, 'BTC-USDT')).toMatchObject({ met: true, sharpeNotBeaten: [] });
  });

  it('names every strategy the ensemble does not beat, an undefined Sharpe counting as the worst', () => {
    const rows = [
      row('balanced', 1.2, 0.2),
      row('ppo', null, 0.9),
      row('ensemble', 1.1, 0.31),
      row('buy-and-hold', 1.1, 0.6),
    ];
    expect(aimVerdict(rows, 'BTC-USDT')).toEqual({
      coin: 'BTC-USDT',
      beatsEverySharpe: false,
      sharpeNotBeaten: ['balanced', 'buy-and-hold'],
      atMostHalfDrawdown: false,
      met: false,
    });
  });
});
