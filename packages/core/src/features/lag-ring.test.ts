import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LagRing } from './lag-ring.ts';

describe('LagRing', () => {
  it('reads the value pushed `lag` pushes ago, NaN before it exists', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.double({ noNaN: true }), { maxLength: 100 }),
        (capacity, values) => {
          const ring = new LagRing(capacity);
          values.forEach((value, n) => {
            ring.push(value);
            for (let lag = 0; lag < capacity; lag++) {
              if (lag <= n) expect(ring.ago(lag)).toBe(values[n - lag]);
              else expect(ring.ago(lag)).toBeNaN();
            }
          });
        },
      ),
    );
  });

  it('forgets everything on reset', () => {
    const ring = new LagRing(3);
    ring.push(1);
    ring.reset();
    expect(ring.ago(0)).toBeNaN();
  });
});
