import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approximately } from './testing/approximately.ts';
import { arbitraryCandles } from './testing/arbitrary-candles.ts';
import { WilliamsPercentR } from './williams-r.ts';

describe('WilliamsPercentR', () => {
  it('is −100 · (highest − close) / (highest − lowest) over `period` candles, within [−100, 0]', () => {
    fc.assert(
      fc.property(arbitraryCandles(0, 150), fc.integer({ min: 2, max: 30 }), (series, period) => {
        const willr = new WilliamsPercentR({ period });
        expect(willr.lookback).toBe(period - 1);
        series.close.forEach((close, index) => {
          const value = willr.update(series.high[index] as number, series.low[index] as number, close);
          if (index < period - 1) {
            expect(value).toBeNaN();
            return;
          }
          const highest = Math.max(...series.high.subarray(index - period + 1, index + 1));
          const lowest = Math.min(...series.low.subarray(index - period + 1, index + 1));
          const expected = highest === lowest ? 0 : (-100 * (highest - close)) / (highest - lowest);
          expect(approximately(value, expected)).toBe(true);
          expect(value >= -100 - 1e-9 && value <= 1e-9).toBe(true);
        });
      }),
    );
  });
});
