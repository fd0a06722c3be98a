import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingCorrelation } from '../indicators/rolling-correlation.ts';
import { ReturnPairCorrelation } from './return-pair-correlation.ts';

/** Returns in 0.1% steps, often repeating (a halted market), so constant windows and their settling occur. */
const returnValue = fc.oneof(
  fc.integer({ min: -30, max: 30 }).map((step) => step / 1000),
  fc.constant(0),
  fc.double({ min: -1, max: 1, noNaN: true }),
);

describe('ReturnPairCorrelation', () => {
  it('gives the bits of RollingCorrelation over two series after every pair', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.array(fc.tuple(returnValue, returnValue), { maxLength: 120 }),
        (window, pairs) => {
          const pair = new ReturnPairCorrelation(window);
          const general = new RollingCorrelation({ symbols: 2, window });
          for (const [first, second] of pairs) {
            pair.add(first, second);
            general.add([first, second]);
            expect(Object.is(pair.correlation, general.correlation(0, 1))).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is NaN until the window is full and for a series constant over it', () => {
    const pair = new ReturnPairCorrelation(3);
    pair.add(0.01, 0.02);
    pair.add(-0.01, 0.01);
    expect(pair.correlation).toBeNaN();
    pair.add(0.02, 0.03);
    expect(pair.correlation).toBeCloseTo(0.9819805060619657, 12);
    for (let i = 0; i < 3; i++) pair.add(0.005, 0.01 * i);
    expect(pair.correlation).toBeNaN();
  });
});
