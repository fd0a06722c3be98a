import { describe, expect, it } from 'vitest';
import { correlatedExposureLimit } from './correlation-limit.ts';
import type { BuyCheck } from './types.ts';

const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'XAU-USDT'];
const options = { threshold: 0.7, maxFraction: 0.1 };
// BTC–ETH 0.9 (one risk), gold uncorrelated with both.
const matrix = Float64Array.from([1, 0.9, 0.1, 0.9, 1, -0.2, 0.1, -0.2, 1]);

const check = (quoteQty: number, symbolIndex = 0): BuyCheck => ({
  symbol: SYMBOLS[symbolIndex] as string,
  symbolIndex,
  quoteQty,
  priceQuote: 1,
  equityQuote: 10_000,
  cashQuote: 10_000,
  positionValueQuote: 0,
  confidence: 1,
  sizeMultiplier: 1,
});

describe('correlation limit', () => {
  it('counts the exposure of assets correlated above the threshold against one cap', () => {
    const values = Float64Array.from([0, 600, 900]);
    const limit = correlatedExposureLimit(check(1_000), values, matrix, true, SYMBOLS, options);
    expect(limit?.maxQuote).toBeCloseTo(400, 9); // 10% of 10,000 − ETH's 600; gold does not count
    expect(limit?.reason).toContain('with ETH-USDT 600.00 (r 0.90)');
    expect(limit?.reason).toContain('cluster (r > 0.7) would be 16.00% of equity 10000.00, cap 10.00%');
    expect(correlatedExposureLimit(check(300), values, matrix, true, SYMBOLS, options)).toBeNull();
  });

  it('treats an unknown correlation as correlated while the window fills, not once it is full', () => {
    const unknown = Float64Array.from([1, Number.NaN, 0, Number.NaN, 1, 0, 0, 0, 1]);
    const values = Float64Array.from([0, 800, 0]);
    const filling = correlatedExposureLimit(check(500), values, unknown, false, SYMBOLS, options);
    expect(filling?.maxQuote).toBeCloseTo(200, 9);
    expect(filling?.reason).toContain('r unknown, window filling');
    expect(correlatedExposureLimit(check(500), values, unknown, true, SYMBOLS, options)).toBeNull();
  });
});
