import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CandleSeries } from '../market/types.ts';
import { MoneyFlowIndex } from './mfi.ts';
import { approximately } from './testing/approximately.ts';
import { arbitraryCandles } from './testing/arbitrary-candles.ts';

function naiveMfi(series: CandleSeries, index: number, period: number): number {
  const typical = (at: number) =>
    ((series.high[at] as number) + (series.low[at] as number) + (series.close[at] as number)) / 3;
  let positive = 0;
  let negative = 0;
  for (let at = index - period + 1; at <= index; at++) {
    const flow = typical(at) * (series.volume[at] as number);
    if (typical(at) > typical(at - 1)) positive += flow;
    else if (typical(at) < typical(at - 1)) negative += flow;
  }
  return positive + negative < 1 ? 0 : (100 * positive) / (positive + negative);
}

describe('MoneyFlowIndex', () => {
  it('is the positive share of the last `period` money flows, within [0, 100]', () => {
    fc.assert(
      fc.property(arbitraryCandles(0, 150), fc.integer({ min: 2, max: 20 }), (series, period) => {
        const mfi = new MoneyFlowIndex({ period });
        expect(mfi.lookback).toBe(period);
        series.close.forEach((close, index) => {
          const value = mfi.update(
            series.high[index] as number,
            series.low[index] as number,
            close,
            series.volume[index] as number,
          );
          if (index < period) {
            expect(value).toBeNaN();
            return;
          }
          expect(approximately(value, naiveMfi(series, index, period))).toBe(true);
          expect(value >= 0 && value <= 100).toBe(true);
        });
      }),
    );
  });

  it('outputs 0 when the window holds less than 1.0 of money flow, as TA-Lib', () => {
    const mfi = new MoneyFlowIndex({ period: 2 });
    const tinyCandles = [0.001, 0.002, 0.003, 0.004];
    const values = tinyCandles.map((price) => mfi.update(price, price, price, 10));
    expect(values.slice(2)).toEqual([0, 0]);
  });
});
