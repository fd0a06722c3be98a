import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CandleSeries } from '../market/types.ts';
import { Stochastic } from './stochastic.ts';
import { approximately } from './testing/approximately.ts';
import { arbitraryCandles } from './testing/arbitrary-candles.ts';
import { leadingNaNs } from './testing/history-independence.ts';

function naiveFastK(series: CandleSeries, index: number, period: number): number {
  const highest = Math.max(...series.high.subarray(index - period + 1, index + 1));
  const lowest = Math.min(...series.low.subarray(index - period + 1, index + 1));
  return highest === lowest ? 0 : (100 * ((series.close[index] as number) - lowest)) / (highest - lowest);
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function streamed(series: CandleSeries, options = {}) {
  const stochastic = new Stochastic(options);
  const k = new Float64Array(series.length);
  const d = new Float64Array(series.length);
  series.close.forEach((close, index) => {
    expect(stochastic.update(series.high[index] as number, series.low[index] as number, close)).toBe(stochastic.k);
    k[index] = stochastic.k;
    d[index] = stochastic.d;
  });
  return { k, d, lookback: stochastic.lookback };
}

describe('Stochastic', () => {
  it('is the SMA-smoothed fast %K and its SMA, within [0, 100]', () => {
    fc.assert(
      fc.property(
        arbitraryCandles(0, 120),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (series, fastK, slowK, slowD) => {
          const { k, d, lookback } = streamed(series, { fastK, slowK, slowD });
          expect(lookback).toBe(fastK - 1 + slowK - 1 + slowD - 1);
          const fast = (index: number) => naiveFastK(series, index, fastK);
          const slow = (index: number) => mean(Array.from({ length: slowK }, (_, lag) => fast(index - lag)));
          for (let index = 0; index < series.length; index++) {
            if (index < lookback) {
              expect(Number.isNaN(k[index] as number) && Number.isNaN(d[index] as number)).toBe(true);
              continue;
            }
            const expectedD = mean(Array.from({ length: slowD }, (_, lag) => slow(index - lag)));
            expect(approximately(k[index] as number, slow(index))).toBe(true);
            expect(approximately(d[index] as number, expectedD)).toBe(true);
            expect((k[index] as number) >= -1e-9 && (k[index] as number) <= 100 + 1e-9).toBe(true);
          }
        },
      ),
    );
  });

  it('has TA-Lib lookback 17 for 14/3/3', () => {
    const [series] = fc.sample(arbitraryCandles(30, 30), { numRuns: 1, seed: 7 });
    const { k, d, lookback } = streamed(series as CandleSeries);
    expect([lookback, leadingNaNs(k), leadingNaNs(d)]).toEqual([17, 17, 17]);
  });
});
