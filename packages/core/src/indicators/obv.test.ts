import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OnBalanceVolume } from './obv.ts';
import { approximately } from './testing/approximately.ts';
import { arbitraryCandles } from './testing/arbitrary-candles.ts';

describe('OnBalanceVolume', () => {
  it('starts at the first volume and adds or subtracts volume by the close direction', () => {
    fc.assert(
      fc.property(arbitraryCandles(0, 100), (series) => {
        const obv = new OnBalanceVolume();
        let expected = 0;
        series.close.forEach((close, index) => {
          const volume = series.volume[index] as number;
          const previous = series.close[index - 1] as number;
          if (index === 0) expected = volume;
          else expected += close > previous ? volume : close < previous ? -volume : 0;
          expect(approximately(obv.update(close, volume), expected)).toBe(true);
        });
      }),
    );
  });

  it('has no lookback and never forgets its start (infinite warmup)', () => {
    const obv = new OnBalanceVolume();
    expect([obv.lookback, obv.warmup]).toEqual([0, Number.POSITIVE_INFINITY]);
    expect(obv.update(10, 7)).toBe(7);
    expect(obv.update(10, 3)).toBe(7);
    obv.reset();
    expect(obv.update(1, 2)).toBe(2);
  });
});
