import { describe, expect, it } from 'vitest';
import { MIN_CONFIDENCE_DEFAULT, minConfidenceLimit } from './min-confidence.ts';
import type { BuyCheck } from './types.ts';

const check = (confidence: number): BuyCheck => ({
  symbol: 'ETH-USDT',
  symbolIndex: 0,
  quoteQty: 100,
  priceQuote: 10,
  equityQuote: 1_000,
  cashQuote: 1_000,
  positionValueQuote: 0,
  confidence,
  sizeMultiplier: 1,
});

describe('min confidence', () => {
  it('passes at and above 60%, refuses below', () => {
    expect(MIN_CONFIDENCE_DEFAULT).toBe(0.6);
    expect(minConfidenceLimit(check(0.6), 0.6)).toBeNull();
    expect(minConfidenceLimit(check(0.99), 0.6)).toBeNull();
    const refused = minConfidenceLimit(check(0.59), 0.6);
    expect(refused).toMatchObject({ rule: 'min-confidence', maxQuote: 0 });
    expect(refused?.reason).toBe('min-confidence: confidence 0.590 < 0.6: no new position in ETH-USDT');
  });
});
