import { describe, expect, it } from 'vitest';
import { positionCapLimit } from './position-cap.ts';
import type { BuyCheck } from './types.ts';

const check = (overrides: Partial<BuyCheck>): BuyCheck => ({
  symbol: 'SOL-USDT',
  symbolIndex: 0,
  quoteQty: 10_000,
  priceQuote: 10,
  equityQuote: 10_000,
  cashQuote: 10_000,
  positionValueQuote: 0,
  confidence: 1,
  sizeMultiplier: 1,
  ...overrides,
});

describe('position cap', () => {
  it('caps the position after the buy at 10% of equity', () => {
    const limit = positionCapLimit(check({ positionValueQuote: 300 }), 0.1);
    expect(limit?.maxQuote).toBeCloseTo(700, 9);
    expect(limit?.reason).toBe('position-cap: SOL-USDT would be 10300.00 = 103.00% of equity 10000.00, cap 10.00%');
    expect(positionCapLimit(check({ quoteQty: 1_000 }), 0.1)).toBeNull();
  });

  it('halves the cap while the breaker is REDUCED', () => {
    const limit = positionCapLimit(check({ sizeMultiplier: 0.5 }), 0.1);
    expect(limit?.maxQuote).toBeCloseTo(500, 9);
    expect(limit?.reason).toContain('cap 5.00% (10.00% × breaker 0.5)');
  });

  it('gives a position already above the cap nothing more', () => {
    expect(positionCapLimit(check({ positionValueQuote: 1_500 }), 0.1)?.maxQuote).toBeLessThan(0);
  });
});
