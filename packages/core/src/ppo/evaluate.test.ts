import { describe, expect, it } from 'vitest';
import { scoreBuyAndHold } from './evaluate.ts';
import { marketFromCloses, wholeRange } from './test-markets.ts';

describe('scoreBuyAndHold', () => {
  it('buys at the second candle open and holds: the price ratio less one fee and slippage', () => {
    const market = marketFromCloses([100, 100, 90, 120, 110]);
    const score = scoreBuyAndHold([wholeRange(market)], { feeRate: 0.001, slippageBps: 10 });
    expect(score.totalReturn).toBeCloseTo(1.1 / (1.001 * 1.001) - 1, 12);
    expect(score.maxDrawdown).toBeCloseTo(1 - 0.9 / (1.001 * 1.001), 12);
    expect(score.trades).toBe(1);
    expect(score.candles).toBe(4);
  });

  it('averages several markets with equal weight', () => {
    const up = wholeRange(marketFromCloses([100, 100, 120]));
    const down = wholeRange(marketFromCloses([100, 100, 80]));
    const costless = { feeRate: 0, slippageBps: 0 };
    expect(scoreBuyAndHold([up, down], costless).totalReturn).toBeCloseTo(0, 12);
  });
});
