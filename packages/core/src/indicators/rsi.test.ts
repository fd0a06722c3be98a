import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RelativeStrengthIndex } from './rsi.ts';
import { approximately } from './testing/approximately.ts';
import { arbitraryCloses } from './testing/arbitrary-candles.ts';
import { firstHistoryDisagreement } from './testing/history-independence.ts';

/** Wilder's RSI written plainly: mean gain/loss of the first `period` changes, then Wilder smoothing. */
function naiveRsi(closes: Float64Array, period: number): Float64Array {
  const out = new Float64Array(closes.length).fill(Number.NaN);
  let gain = 0;
  let loss = 0;
  for (let index = 1; index < closes.length; index++) {
    const change = (closes[index] as number) - (closes[index - 1] as number);
    const up = Math.max(change, 0);
    const down = Math.max(-change, 0);
    if (index <= period) {
      gain += up / period;
      loss += down / period;
      if (index < period) continue;
    } else {
      gain = (gain * (period - 1) + up) / period;
      loss = (loss * (period - 1) + down) / period;
    }
    out[index] = Math.abs(gain + loss) < 1e-14 ? 0 : (100 * gain) / (gain + loss);
  }
  return out;
}

function streamed(closes: Float64Array, period = 14): Float64Array {
  const rsi = new RelativeStrengthIndex({ period });
  return closes.map((close) => rsi.update(close));
}

describe('RelativeStrengthIndex', () => {
  it("matches Wilder's definition and stays within [0, 100]", () => {
    fc.assert(
      fc.property(arbitraryCloses(0, 200), fc.integer({ min: 2, max: 20 }), (closes, period) => {
        const actual = streamed(closes, period);
        const expected = naiveRsi(closes, period);
        actual.forEach((value, index) => {
          expect(approximately(value, expected[index] as number)).toBe(true);
          if (!Number.isNaN(value)) expect(value >= 0 && value <= 100).toBe(true);
        });
      }),
    );
  });

  it('outputs from index `period` (TA-Lib), and 0 on a flat market', () => {
    const rsi = new RelativeStrengthIndex();
    expect(rsi.lookback).toBe(14);
    const values = Array.from({ length: 16 }, () => rsi.update(42));
    expect(values.slice(0, 14).every(Number.isNaN)).toBe(true);
    expect(values.slice(14)).toEqual([0, 0]);
  });

  it('no longer depends on older history after `warmup` candles in a moving market', () => {
    fc.assert(
      fc.property(
        arbitraryCloses(500, 600, { movingMarket: true }),
        fc.integer({ min: 1, max: 100 }),
        (closes, start) => {
          const { warmup } = new RelativeStrengthIndex();
          const fromStart = streamed(closes.subarray(start));
          expect(firstHistoryDisagreement(streamed(closes), fromStart, start, warmup, 100)).toBeUndefined();
        },
      ),
      { numRuns: 30 },
    );
  });
});
