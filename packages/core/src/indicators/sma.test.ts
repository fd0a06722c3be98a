import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndicatorOptionsError } from './indicator-options-error.ts';
import { SimpleMovingAverage } from './sma.ts';
import { approximately } from './testing/approximately.ts';
import { arbitraryCloses } from './testing/arbitrary-candles.ts';

function naiveMean(values: Float64Array, end: number, period: number): number {
  let total = 0;
  for (let index = end - period + 1; index <= end; index++) total += values[index] as number;
  return total / period;
}

describe('SimpleMovingAverage', () => {
  it('is NaN for `lookback` inputs, then the mean of the last `period` inputs', () => {
    fc.assert(
      fc.property(arbitraryCloses(0, 200), fc.integer({ min: 1, max: 30 }), (closes, period) => {
        const sma = new SimpleMovingAverage({ period });
        expect(sma.lookback).toBe(period - 1);
        expect(sma.warmup).toBe(period - 1);
        closes.forEach((close, index) => {
          const value = sma.update(close);
          if (index < sma.lookback) expect(value).toBeNaN();
          else expect(approximately(value, naiveMean(closes, index, period))).toBe(true);
        });
      }),
    );
  });

  it('forgets everything on reset', () => {
    const sma = new SimpleMovingAverage({ period: 2 });
    sma.update(10);
    sma.update(20);
    sma.reset();
    expect(sma.update(1)).toBeNaN();
    expect(sma.update(3)).toBe(2);
  });

  it('rejects a period that is not a positive integer', () => {
    expect(() => new SimpleMovingAverage({ period: 0 })).toThrow(IndicatorOptionsError);
    expect(() => new SimpleMovingAverage({ period: 2.5 })).toThrow(/period must be an integer/);
  });
});
