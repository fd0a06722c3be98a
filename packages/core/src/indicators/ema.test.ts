import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExponentialMovingAverage } from './ema.ts';
import { firstDifference } from './testing/approximately.ts';
import { arbitraryCloses } from './testing/arbitrary-candles.ts';
import { firstHistoryDisagreement } from './testing/history-independence.ts';

/** TA-Lib's definition, written plainly: SMA seed over the first `period` inputs, then the recursion. */
function naiveEma(values: Float64Array, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  if (values.length < period) return out;
  const alpha = 2 / (period + 1);
  let ema = values.subarray(0, period).reduce((sum, value) => sum + value, 0) / period;
  out[period - 1] = ema;
  for (let index = period; index < values.length; index++) {
    ema = alpha * (values[index] as number) + (1 - alpha) * ema;
    out[index] = ema;
  }
  return out;
}

function streamed(values: Float64Array, period: number): Float64Array {
  const ema = new ExponentialMovingAverage({ period });
  return values.map((value) => ema.update(value));
}

describe('ExponentialMovingAverage', () => {
  it('is seeded with the SMA of the first `period` inputs and then smoothed with k = 2/(period+1)', () => {
    fc.assert(
      fc.property(arbitraryCloses(0, 200), fc.integer({ min: 1, max: 30 }), (closes, period) => {
        const actual = streamed(closes, period);
        const expected = naiveEma(closes, period);
        expect(firstDifference(actual, expected)).toBeUndefined();
      }),
    );
  });

  it('declares TA-Lib lookbacks and a seed-forgetting warmup', () => {
    expect(new ExponentialMovingAverage({ period: 12 })).toMatchObject({ lookback: 11, warmup: 11 + 138 });
    expect(new ExponentialMovingAverage({ period: 26 })).toMatchObject({ lookback: 25, warmup: 25 + 300 });
  });

  it('no longer depends on older history after `warmup` candles', () => {
    fc.assert(
      fc.property(arbitraryCloses(400, 500), fc.integer({ min: 1, max: 100 }), (closes, start) => {
        const { warmup } = new ExponentialMovingAverage({ period: 12 });
        const full = streamed(closes, 12);
        const fromStart = streamed(closes.subarray(start), 12);
        expect(firstHistoryDisagreement(full, fromStart, start, warmup)).toBeUndefined();
      }),
      { numRuns: 30 },
    );
  });
});
