import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateOfChange } from './roc.ts';
import { approximately } from './testing/approximately.ts';
import { arbitraryCloses } from './testing/arbitrary-candles.ts';

describe('RateOfChange', () => {
  it('is the percent change from the close `period` candles earlier', () => {
    fc.assert(
      fc.property(arbitraryCloses(0, 100), fc.integer({ min: 1, max: 20 }), (closes, period) => {
        const roc = new RateOfChange({ period });
        expect([roc.lookback, roc.warmup]).toEqual([period, period]);
        closes.forEach((close, index) => {
          const value = roc.update(close);
          if (index < period) expect(value).toBeNaN();
          else
            expect(
              approximately(
                value,
                (100 * (close - (closes[index - period] as number))) / (closes[index - period] as number),
              ),
            ).toBe(true);
        });
      }),
    );
  });

  it('is 0 when the reference close is 0, as TA-Lib', () => {
    const roc = new RateOfChange({ period: 1 });
    roc.update(0);
    expect(roc.update(5)).toBe(0);
  });
});
