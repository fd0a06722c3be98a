import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Macd } from './macd.ts';
import { approximately } from './testing/approximately.ts';
import { arbitraryCloses } from './testing/arbitrary-candles.ts';
import { firstHistoryDisagreement, leadingNaNs } from './testing/history-independence.ts';

/** An EMA over values[from…] seeded with the mean of its first `period` values, as TA-Lib's INT_EMA. */
function naiveEma(values: ArrayLike<number>, from: number, period: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  const alpha = 2 / (period + 1);
  let ema = 0;
  for (let index = from; index < values.length; index++) {
    const value = values[index] as number;
    if (index < from + period) {
      ema += value / period;
      if (index < from + period - 1) continue;
    } else {
      ema = alpha * value + (1 - alpha) * ema;
    }
    out[index] = ema;
  }
  return out;
}

/** TA-Lib's MACD: both EMAs start at the slow seed's candle; the signal is an SMA-seeded EMA of macd. */
function naiveMacd(closes: Float64Array, fast: number, slow: number, signal: number) {
  const slowEma = naiveEma(closes, 0, slow);
  const fastEma = naiveEma(closes, slow - fast, fast);
  const macdLine = closes.map((_, index) => (fastEma[index] as number) - (slowEma[index] as number));
  const signalLine = naiveEma(macdLine, slow - 1, signal);
  const ready = (index: number) => index >= slow - 1 + signal - 1;
  return {
    macd: macdLine.map((value, index) => (ready(index) ? value : Number.NaN)),
    signal: signalLine,
    histogram: macdLine.map((value, index) => value - (signalLine[index] as number)),
  };
}

function streamed(closes: Float64Array, options = {}) {
  const macd = new Macd(options);
  const out = { macd: new Float64Array(closes.length), signal: new Float64Array(closes.length) };
  const histogram = new Float64Array(closes.length);
  closes.forEach((close, index) => {
    expect(macd.update(close)).toBe(macd.value);
    out.macd[index] = macd.macd;
    out.signal[index] = macd.signal;
    histogram[index] = macd.histogram;
  });
  return { ...out, histogram };
}

describe('Macd', () => {
  it('aligns both EMAs at the slow lookback and starts all outputs at index 33 for 12/26/9', () => {
    const macd = new Macd();
    expect(macd.lookback).toBe(33);
    const [closes] = fc.sample(arbitraryCloses(40, 40), { numRuns: 1, seed: 1 });
    const outputs = streamed(closes ?? new Float64Array());
    for (const output of ['macd', 'signal', 'histogram'] as const) {
      expect(leadingNaNs(outputs[output])).toBe(33);
    }
  });

  it('matches the plainly written TA-Lib definition', () => {
    fc.assert(
      fc.property(
        arbitraryCloses(0, 150),
        fc.integer({ min: 2, max: 15 }),
        fc.integer({ min: 2, max: 15 }),
        fc.integer({ min: 1, max: 10 }),
        (closes, a, b, signal) => {
          const [fast, slow] = a <= b ? [a, b] : [b, a];
          const actual = streamed(closes, { fast, slow, signal });
          const expected = naiveMacd(closes, fast, slow, signal);
          for (const output of ['macd', 'signal', 'histogram'] as const) {
            actual[output].forEach((value, index) => {
              expect(approximately(value, expected[output][index] as number)).toBe(true);
            });
          }
        },
      ),
    );
  });

  it('no longer depends on older history after `warmup` candles', () => {
    fc.assert(
      fc.property(arbitraryCloses(600, 700), fc.integer({ min: 1, max: 100 }), (closes, start) => {
        const { warmup } = new Macd();
        const full = streamed(closes);
        const fromStart = streamed(closes.subarray(start));
        for (const output of ['macd', 'signal', 'histogram'] as const) {
          expect(firstHistoryDisagreement(full[output], fromStart[output], start, warmup, 100)).toBeUndefined();
        }
      }),
      { numRuns: 20 },
    );
  });
});
