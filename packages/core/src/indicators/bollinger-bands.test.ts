import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BollingerBands } from './bollinger-bands.ts';
import { approximately } from './testing/approximately.ts';
import { arbitraryCloses } from './testing/arbitrary-candles.ts';

/** Two-pass population standard deviation, the textbook way (the streaming one uses E[x²] − mean²). */
function naiveBands(closes: Float64Array, end: number, period: number, deviations: number) {
  const window = closes.subarray(end - period + 1, end + 1);
  const mean = window.reduce((sum, value) => sum + value, 0) / period;
  const variance = window.reduce((sum, value) => sum + (value - mean) ** 2, 0) / period;
  const deviation = Math.sqrt(variance);
  return { upper: mean + deviations * deviation, middle: mean, lower: mean - deviations * deviation };
}

describe('BollingerBands', () => {
  it('is SMA ± k population standard deviations, upper ≥ middle ≥ lower', () => {
    fc.assert(
      fc.property(arbitraryCloses(0, 150), fc.integer({ min: 2, max: 30 }), (closes, period) => {
        const bands = new BollingerBands({ period });
        closes.forEach((close, index) => {
          expect(bands.update(close)).toBe(bands.middle);
          if (index < period - 1) {
            expect([bands.upper, bands.middle, bands.lower].every(Number.isNaN)).toBe(true);
            return;
          }
          const expected = naiveBands(closes, index, period, 2);
          // E[x²] − mean² loses digits relative to the price level, so compare bands at that level.
          expect(approximately(bands.middle, expected.middle)).toBe(true);
          expect(approximately(bands.upper, expected.upper, 1e-6)).toBe(true);
          expect(approximately(bands.lower, expected.lower, 1e-6)).toBe(true);
          expect(bands.upper >= bands.middle && bands.middle >= bands.lower).toBe(true);
        });
      }),
    );
  });

  it('supports asymmetric bands and collapses to the middle on a flat market', () => {
    const bands = new BollingerBands({ period: 3, deviationsUp: 1, deviationsDown: 3 });
    expect(bands.lookback).toBe(2);
    for (const close of [1, 2, 3]) bands.update(close);
    const deviation = Math.sqrt(2 / 3);
    expect(bands.upper).toBeCloseTo(2 + deviation, 12);
    expect(bands.lower).toBeCloseTo(2 - 3 * deviation, 12);
    bands.reset();
    for (const close of [5, 5, 5]) bands.update(close);
    expect([bands.upper, bands.middle, bands.lower]).toEqual([5, 5, 5]);
  });
});
