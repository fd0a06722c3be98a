import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CandleSeries, sliceSeries } from '../market/types.ts';
import { AverageTrueRange } from './atr.ts';
import { firstDifference } from './testing/approximately.ts';
import { arbitraryCandles } from './testing/arbitrary-candles.ts';
import { firstHistoryDisagreement } from './testing/history-independence.ts';

function naiveAtr(series: CandleSeries, period: number): Float64Array {
  const out = new Float64Array(series.length).fill(Number.NaN);
  let atr = 0;
  for (let index = 1; index < series.length; index++) {
    const high = series.high[index] as number;
    const low = series.low[index] as number;
    const previousClose = series.close[index - 1] as number;
    const range = Math.max(high - low, Math.abs(high - previousClose), Math.abs(low - previousClose));
    if (index <= period) {
      atr += range / period;
      if (index < period) continue;
    } else {
      atr = (atr * (period - 1) + range) / period;
    }
    out[index] = atr;
  }
  return out;
}

function streamed(series: CandleSeries, period = 14): Float64Array {
  const atr = new AverageTrueRange({ period });
  return series.close.map((close, index) =>
    atr.update(series.high[index] as number, series.low[index] as number, close),
  );
}

describe('AverageTrueRange', () => {
  it('is the mean of the first `period` true ranges, then Wilder-smoothed', () => {
    fc.assert(
      fc.property(arbitraryCandles(0, 150), fc.integer({ min: 2, max: 20 }), (series, period) => {
        const actual = streamed(series, period);
        const expected = naiveAtr(series, period);
        expect(firstDifference(actual, expected)).toBeUndefined();
      }),
    );
  });

  it('no longer depends on older history after `warmup` candles', () => {
    const { lookback, warmup } = new AverageTrueRange();
    expect(lookback).toBe(14);
    fc.assert(
      fc.property(arbitraryCandles(500, 600), fc.integer({ min: 1, max: 100 }), (series, start) => {
        const full = streamed(series);
        const fromStart = streamed(sliceSeries(series, start, series.length));
        expect(firstHistoryDisagreement(full, fromStart, start, warmup, 1)).toBeUndefined();
      }),
      { numRuns: 30 },
    );
  });
});
