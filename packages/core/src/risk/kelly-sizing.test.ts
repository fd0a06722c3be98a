import { describe, expect, it } from 'vitest';
import {
  emptyTradeStats,
  KELLY_DEFAULTS,
  kellyFraction,
  kellyLimit,
  measuredPayoff,
  recordRoundTrip,
} from './kelly-sizing.ts';
import type { BuyCheck } from './types.ts';

function check(overrides: Partial<BuyCheck> = {}): BuyCheck {
  return {
    symbol: 'BTC-USDT',
    symbolIndex: 0,
    quoteQty: 5_000,
    priceQuote: 100,
    equityQuote: 10_000,
    cashQuote: 10_000,
    positionValueQuote: 0,
    confidence: 0.6,
    sizeMultiplier: 1,
    ...overrides,
  };
}

describe('kelly sizing', () => {
  it('is p − (1 − p) / b', () => {
    expect(kellyFraction(0.6, 1)).toBeCloseTo(0.2, 12);
    expect(kellyFraction(0.5, 2)).toBeCloseTo(0.25, 12);
    expect(kellyFraction(0.4, 1)).toBeLessThan(0);
  });

  it('uses the prior payoff until enough round trips, then the measured one', () => {
    const stats = emptyTradeStats();
    for (let i = 0; i < 19; i++) recordRoundTrip(stats, i % 2 === 0 ? 30 : -10);
    expect(measuredPayoff(stats, KELLY_DEFAULTS)).toBeNull();
    recordRoundTrip(stats, -10);
    expect(measuredPayoff(stats, KELLY_DEFAULTS)).toBeCloseTo(3, 12);
  });

  it('caps the position at multiplier × Kelly × equity, with the numbers in the reason', () => {
    const limit = kellyLimit(check(), emptyTradeStats(), KELLY_DEFAULTS);
    expect(limit?.maxQuote).toBeCloseTo(1_000, 9); // (0.6 − 0.4) × 0.5 × 10,000
    expect(limit?.reason).toContain('confidence 0.600, payoff 1.000 (prior) → Kelly 0.200 × 0.5 = 10.00% of equity');
    expect(kellyLimit(check({ quoteQty: 900 }), emptyTradeStats(), KELLY_DEFAULTS)).toBeNull();
  });

  it('halves with the breaker and counts what is already held', () => {
    const limit = kellyLimit(
      check({ sizeMultiplier: 0.5, positionValueQuote: 200 }),
      emptyTradeStats(),
      KELLY_DEFAULTS,
    );
    expect(limit?.maxQuote).toBeCloseTo(300, 9);
  });

  it('refuses a buy without an edge', () => {
    const limit = kellyLimit(check({ confidence: 0.45 }), emptyTradeStats(), KELLY_DEFAULTS);
    expect(limit?.maxQuote).toBe(0);
    expect(limit?.reason).toContain('no edge');
  });
});
