import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SwingLevels } from './swing-levels.ts';

/** Prices from a small set, with NaN, so that ties, levels equal to the queried price and NaN levels are frequent. */
const price = fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 1, max: 8 }) }, fc.constant(Number.NaN));

describe('SwingLevels', () => {
  it('finds the nearest kept level strictly below and above a price, as a scan of every level does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.record({ added: fc.option(price), queried: price }), { maxLength: 120 }),
        (maxLevels, maxAgeCandles, candles) => {
          const levels = new SwingLevels(maxLevels, maxAgeCandles);
          const confirmed: { price: number; candle: number }[] = [];
          candles.forEach(({ added, queried }, candle) => {
            if (added !== null) {
              levels.add(added, candle);
              confirmed.push({ price: added, candle });
            }
            levels.expire(candle);
            levels.findNearest(queried);
            const kept = confirmed
              .slice(-maxLevels)
              .filter((level) => level.candle >= candle - maxAgeCandles)
              .map((level) => level.price);
            const below = kept.filter((level) => level < queried);
            const above = kept.filter((level) => level > queried);
            expect(levels.below).toEqual(below.length > 0 ? Math.max(...below) : Number.NaN);
            expect(levels.above).toEqual(above.length > 0 ? Math.min(...above) : Number.NaN);
          });
        },
      ),
    );
  });

  it('forgets every level on reset', () => {
    const levels = new SwingLevels(4, 100);
    levels.add(10, 0);
    levels.add(20, 1);
    levels.reset();
    levels.findNearest(15);
    expect([levels.below, levels.above]).toEqual([Number.NaN, Number.NaN]);
    levels.add(12, 2);
    levels.findNearest(15);
    expect([levels.below, levels.above]).toEqual([12, Number.NaN]);
  });
});
