import { describe, expect, it } from 'vitest';
import type { PolicyScore } from './evaluate.ts';
import { decidePromotion, MIN_SHARPE_MARGIN } from './promotion.ts';

const score = (sharpe: number): PolicyScore => ({ totalReturn: 0, sharpe, maxDrawdown: 0, trades: 1, candles: 10 });

describe('decidePromotion', () => {
  it('promotes the first model', () => {
    expect(decidePromotion(score(-0.5), null)).toMatchObject({
      promoted: true,
      reason: expect.stringMatching(/no incumbent/),
    });
  });

  it('promotes only a candidate whose validation Sharpe beats the incumbent by the margin', () => {
    expect(MIN_SHARPE_MARGIN).toBe(0.1);
    expect(decidePromotion(score(1.1), score(1)).promoted).toBe(true);
    const close = decidePromotion(score(1.05), score(1));
    expect(close.promoted).toBe(false);
    expect(close.reason).toBe("validation Sharpe 1.05 does not beat the incumbent's 1.00 by 0.1 (needs ≥ 1.10)");
    expect(decidePromotion(score(0.5), score(1)).promoted).toBe(false);
  });
});
