import { describe, expect, it } from 'vitest';
import { bestIndex, summaryOf } from './result.ts';

describe('backtest results', () => {
  it('reads metrics and the equity curve, skipping what is malformed', () => {
    const summary = summaryOf({
      metrics: { sharpe: 1.2, totalReturn: 0.1, junk: 'x', inf: Number.POSITIVE_INFINITY },
      equity: [
        [1, 100],
        [2, 'x'],
        [3, 103],
      ],
      trades: [],
    });
    expect(summary).toEqual({
      metrics: { sharpe: 1.2, totalReturn: 0.1 },
      equity: [
        [1, 100],
        [3, 103],
      ],
    });
    expect(summaryOf(null)).toEqual({ metrics: {}, equity: [] });
    expect(summaryOf({ sharpe: 0.5, trades: 3 })).toEqual({ metrics: { sharpe: 0.5, trades: 3 }, equity: [] });
  });

  it('finds the best of compared runs', () => {
    expect(bestIndex([0.1, 0.3, undefined], 'higher')).toBe(1);
    expect(bestIndex([0.2, 0.1], 'lower')).toBe(1);
    expect(bestIndex([0.2, undefined], 'lower')).toBeNull();
  });
});
