import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CandleSeries } from '../market/types.ts';
import { SupportResistance } from './support-resistance.ts';
import { arbitraryCandles } from './testing/arbitrary-candles.ts';

interface Level {
  price: number;
  swingCandle: number;
}

/** Swing points straight from the definition, known at swing + strength, in the order they are confirmed. */
function confirmedLevels(series: CandleSeries, now: number, strength: number): Level[] {
  const levels: Level[] = [];
  for (let swing = strength; swing + strength <= now; swing++) {
    const isSwing = (values: Float64Array, sign: number) => {
      for (let other = swing - strength; other <= swing + strength; other++) {
        if (other === swing) continue;
        const difference = sign * ((values[other] as number) - (values[swing] as number));
        if (other < swing ? difference >= 0 : difference > 0) return false;
      }
      return true;
    };
    if (isSwing(series.high, 1)) levels.push({ price: series.high[swing] as number, swingCandle: swing });
    if (isSwing(series.low, -1)) levels.push({ price: series.low[swing] as number, swingCandle: swing });
  }
  return levels;
}

describe('SupportResistance', () => {
  it('reports the nearest confirmed swing levels below and above the close, without look-ahead', () => {
    fc.assert(
      fc.property(
        arbitraryCandles(0, 150),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 5, max: 80 }),
        (series, strength, maxLevels, maxAgeCandles) => {
          const levels = new SupportResistance({ strength, maxLevels, maxAgeCandles });
          series.close.forEach((close, now) => {
            levels.update(series.high[now] as number, series.low[now] as number, close);
            const kept = confirmedLevels(series, now, strength)
              .slice(-maxLevels)
              .filter((level) => level.swingCandle >= now - maxAgeCandles)
              .map((level) => level.price);
            const below = kept.filter((price) => price < close);
            const above = kept.filter((price) => price > close);
            expect(levels.support).toEqual(below.length ? Math.max(...below) : Number.NaN);
            expect(levels.resistance).toEqual(above.length ? Math.min(...above) : Number.NaN);
            expect(levels.value).toEqual(levels.support);
          });
        },
      ),
    );
  });

  it('confirms a swing high only `strength` candles after it', () => {
    const levels = new SupportResistance({ strength: 2 });
    const highs = [10, 11, 15, 12, 11];
    const resistances = highs.map((high) => levels.update(high, high - 1, high - 0.5) && levels.resistance);
    expect(resistances.slice(0, 4).every(Number.isNaN)).toBe(true);
    expect(levels.resistance).toBe(15);
    expect(levels.resistanceDistancePercent).toBeCloseTo((15 / 10.5 - 1) * 100, 12);
    expect([levels.lookback, levels.warmup]).toEqual([4, 502]);
  });
});
