import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingExtreme } from './rolling-extreme.ts';

/** Values from a small set, so that ties (the deque's delicate case) are frequent. */
const tiedValues = fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 200 });

describe('RollingExtreme', () => {
  it('equals the brute-force max and min of the last `period` inputs', () => {
    fc.assert(
      fc.property(tiedValues, fc.integer({ min: 1, max: 20 }), (values, period) => {
        const highest = new RollingExtreme(period, 'highest');
        const lowest = new RollingExtreme(period, 'lowest');
        values.forEach((value, index) => {
          const window = values.slice(Math.max(0, index - period + 1), index + 1);
          expect(highest.update(value)).toBe(Math.max(...window));
          expect(lowest.update(value)).toBe(Math.min(...window));
          expect(highest.full).toBe(index + 1 >= period);
        });
      }),
    );
  });

  it('starts over after reset', () => {
    const highest = new RollingExtreme(3, 'highest');
    for (const value of [9, 1, 2]) highest.update(value);
    highest.reset();
    expect(highest.value).toBeNaN();
    expect(highest.update(4)).toBe(4);
    expect(highest.full).toBe(false);
  });
});
