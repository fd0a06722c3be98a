import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CandleSeries, sliceSeries } from '../market/types.ts';
import { AverageDirectionalIndex } from './adx.ts';
import { arbitraryCandles } from './testing/arbitrary-candles.ts';
import { firstHistoryDisagreement, leadingNaNs } from './testing/history-independence.ts';

function streamed(series: CandleSeries, period = 14): Float64Array {
  const adx = new AverageDirectionalIndex({ period });
  return series.close.map((close, index) =>
    adx.update(series.high[index] as number, series.low[index] as number, close),
  );
}

// Exactness against TA-Lib is the oracle test's job (test/oracle); here: ranges, lookback, warm-up contract.
describe('AverageDirectionalIndex', () => {
  it('starts at index 2·period − 1 and stays within [0, 100]', () => {
    fc.assert(
      fc.property(arbitraryCandles(0, 150), fc.integer({ min: 2, max: 20 }), (series, period) => {
        const values = streamed(series, period);
        expect(leadingNaNs(values)).toBe(Math.min(2 * period - 1, series.length));
        for (const value of values.subarray(2 * period - 1)) expect(value >= 0 && value <= 100).toBe(true);
      }),
    );
  });

  it('is 100 in a steady one-way trend', () => {
    const adx = new AverageDirectionalIndex({ period: 3 });
    let value = Number.NaN;
    for (let candle = 0; candle < 20; candle++) value = adx.update(11 + candle, 10 + candle, 10.5 + candle);
    expect(value).toBeCloseTo(100, 9);
  });

  it('no longer depends on older history after `warmup` candles in a moving market', () => {
    const { lookback, warmup } = new AverageDirectionalIndex();
    expect(lookback).toBe(27);
    fc.assert(
      fc.property(
        arbitraryCandles(800, 900, { movingMarket: true }),
        fc.integer({ min: 1, max: 100 }),
        (series, start) => {
          const fromStart = streamed(sliceSeries(series, start, series.length));
          expect(firstHistoryDisagreement(streamed(series), fromStart, start, warmup, 100)).toBeUndefined();
        },
      ),
      { numRuns: 20 },
    );
  });
});
