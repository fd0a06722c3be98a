import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommodityChannelIndex } from './cci.ts';
import { approximately } from './testing/approximately.ts';
import { arbitraryCandles } from './testing/arbitrary-candles.ts';

describe('CommodityChannelIndex', () => {
  it('is (tp − mean) / (0.015 · mean deviation) over `period` typical prices, 0 when flat', () => {
    fc.assert(
      fc.property(arbitraryCandles(0, 150), fc.integer({ min: 2, max: 30 }), (series, period) => {
        const cci = new CommodityChannelIndex({ period });
        const typical = series.close.map(
          (close, at) => ((series.high[at] as number) + (series.low[at] as number) + close) / 3,
        );
        series.close.forEach((close, index) => {
          const value = cci.update(series.high[index] as number, series.low[index] as number, close);
          if (index < period - 1) {
            expect(value).toBeNaN();
            return;
          }
          const window = typical.subarray(index - period + 1, index + 1);
          const mean = window.reduce((sum, tp) => sum + tp, 0) / period;
          const meanDeviation = window.reduce((sum, tp) => sum + Math.abs(tp - mean), 0) / period;
          const distance = (typical[index] as number) - mean;
          // A flat window (mean deviation ~0) is 0 by TA-Lib's rule; tiny rounding there makes CCI arbitrary.
          if (meanDeviation < 1e-9 * Math.abs(mean)) return;
          expect(approximately(value, distance / (0.015 * meanDeviation), 1e-6)).toBe(true);
        });
      }),
    );
  });

  it('is exactly 0 when all typical prices are equal', () => {
    const cci = new CommodityChannelIndex({ period: 3 });
    const values = [1, 2, 3, 4].map(() => cci.update(7, 5, 6));
    expect(values.slice(2)).toEqual([0, 0]);
  });
});
