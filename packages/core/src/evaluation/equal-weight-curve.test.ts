import { describe, expect, it } from 'vitest';
import { equalWeightCurve } from './equal-weight-curve.ts';

const curve = (time: number[], equity: number[]) => ({
  time: Float64Array.from(time),
  equity: Float64Array.from(equity),
});

describe('equalWeightCurve', () => {
  it('compounds the mean return of the coins trading at each time; a later coin joins when it starts', () => {
    const a = curve([1, 2, 3, 4], [100, 110, 99, 99]);
    const b = curve([3, 4], [50, 60]);
    const overall = equalWeightCurve([a, b], 1000);
    expect(Array.from(overall.time)).toEqual([1, 2, 3, 4]);
    // t2: a +10 %; t3: a −10 % (b starts, no return yet); t4: mean(a 0 %, b +20 %) = +10 %.
    const expected = [1000, 1100, 990, 1089];
    overall.equity.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i] as number, 9);
    });
  });

  it('weighs coins equally whatever their account size', () => {
    const big = curve([1, 2], [1_000_000, 1_100_000]);
    const small = curve([1, 2], [10, 9]);
    expect(equalWeightCurve([big, small], 100).equity[1]).toBeCloseTo(100, 9);
  });
});
