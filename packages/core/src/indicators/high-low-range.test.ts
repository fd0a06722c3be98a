import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HighLowRange } from './high-low-range.ts';
import { Stochastic } from './stochastic.ts';
import { arbitraryCandles } from './testing/arbitrary-candles.ts';
import { WilliamsPercentR } from './williams-r.ts';

describe('HighLowRange', () => {
  it('is the highest high and lowest low of the last `period` candles', () => {
    fc.assert(
      fc.property(arbitraryCandles(0, 60), fc.integer({ min: 1, max: 20 }), (series, period) => {
        const range = new HighLowRange(period);
        for (let index = 0; index < series.length; index++) {
          range.update(series.high[index] as number, series.low[index] as number);
          const from = Math.max(0, index - period + 1);
          expect(range.highest).toBe(Math.max(...series.high.subarray(from, index + 1)));
          expect(range.lowest).toBe(Math.min(...series.low.subarray(from, index + 1)));
          expect(range.full).toBe(index + 1 >= period);
        }
      }),
    );
  });

  it('serves a stochastic and a Williams %R exactly as their own ranges do', () => {
    fc.assert(
      fc.property(arbitraryCandles(0, 80), fc.integer({ min: 2, max: 20 }), (series, period) => {
        const shared = new HighLowRange(period);
        const stochastic = new Stochastic({ fastK: period });
        const sharingStochastic = new Stochastic({ fastK: period });
        const williams = new WilliamsPercentR({ period });
        const sharingWilliams = new WilliamsPercentR({ period });
        for (let index = 0; index < series.length; index++) {
          const [high, low, close] = [series.high[index], series.low[index], series.close[index]] as number[];
          shared.update(high as number, low as number);
          expect(sharingStochastic.updateFromRange(shared, close as number)).toBe(
            stochastic.update(high as number, low as number, close as number),
          );
          expect(sharingStochastic.d).toBe(stochastic.d);
          expect(sharingWilliams.updateFromRange(shared, close as number)).toBe(
            williams.update(high as number, low as number, close as number),
          );
        }
      }),
    );
  });

  it('must have the period of the indicator it serves', () => {
    expect(() => new Stochastic({ fastK: 14 }).updateFromRange(new HighLowRange(10), 1)).toThrow(RangeError);
    expect(() => new WilliamsPercentR({ period: 14 }).updateFromRange(new HighLowRange(10), 1)).toThrow(RangeError);
  });
});
