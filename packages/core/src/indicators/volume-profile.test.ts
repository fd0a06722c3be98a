import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CandleSeries } from '../market/types.ts';
import { arbitraryCandles } from './testing/arbitrary-candles.ts';
import { ReferenceVolumeProfile } from './testing/volume-profile-reference.ts';
import { VolumeProfile } from './volume-profile.ts';

/** The window's volume by bin, recomputed from scratch. */
function naiveProfile(profile: VolumeProfile, series: CandleSeries, end: number): Map<number, number> {
  const volumeByBin = new Map<number, number>();
  for (let index = Math.max(0, end - profile.window + 1); index <= end; index++) {
    const lowBin = profile.binOf(series.low[index] as number);
    const highBin = profile.binOf(series.high[index] as number);
    const share = (series.volume[index] as number) / (highBin - lowBin + 1);
    for (let bin = lowBin; bin <= highBin; bin++) volumeByBin.set(bin, (volumeByBin.get(bin) ?? 0) + share);
  }
  return volumeByBin;
}

function volumeBetween(volumeByBin: Map<number, number>, fromBin: number, toBin: number): number {
  let total = 0;
  for (const [bin, volume] of volumeByBin) if (bin >= fromBin && bin <= toBin) total += volume;
  return total;
}

describe('VolumeProfile', () => {
  it('finds the fullest bin and a value area holding its share of the window volume', () => {
    fc.assert(
      fc.property(
        arbitraryCandles(1, 120),
        fc.integer({ min: 1, max: 40 }),
        // 0.0001 makes a window span thousands of bins, so the bin ring has to grow.
        fc.constantFrom(0.0001, 0.002, 0.05),
        (series, window, binWidthRatio) => {
          const profile = new VolumeProfile({ window, binWidthRatio });
          const tolerance = 1e-9 * Math.max(1, ...series.volume) * window;
          series.close.forEach((close, index) => {
            const poc = profile.update(
              series.high[index] as number,
              series.low[index] as number,
              close,
              series.volume[index] as number,
            );
            if (index < window - 1) {
              expect(poc).toBeNaN();
              return;
            }
            const volumeByBin = naiveProfile(profile, series, index);
            const total = volumeBetween(volumeByBin, -Infinity, Infinity);
            expect(Math.abs(profile.totalVolume - total)).toBeLessThanOrEqual(tolerance);
            if (!(total > tolerance)) return;
            const pocBin = profile.binOf(poc);
            const fullest = Math.max(...volumeByBin.values());
            expect(volumeByBin.get(pocBin) ?? 0).toBeGreaterThanOrEqual(fullest - tolerance);
            expect(profile.valueAreaLow).toBeLessThanOrEqual(poc);
            expect(profile.valueAreaHigh).toBeGreaterThanOrEqual(poc);
            const areaLowBin = profile.binOf(profile.valueAreaLow * (1 + binWidthRatio / 2));
            const areaHighBin = profile.binOf(profile.valueAreaHigh / (1 + binWidthRatio / 2));
            expect(volumeBetween(volumeByBin, areaLowBin, areaHighBin)).toBeGreaterThanOrEqual(0.7 * total - tolerance);
            expect(profile.closeToPocPercent).toBeCloseTo((close / poc - 1) * 100, 9);
          });
        },
      ),
    );
  });

  it('matches the rescanning definition bit for bit: ties, zero volumes, ring growth, reset, lazy value area', () => {
    // Prices on a grid of 1% steps and small integer volumes, so that bins tie, windows go empty and shares
    // leave rounding residue; a rare wide candle makes the bin ring grow at 0.01%.
    const candle = fc.record({
      lowStep: fc.integer({ min: -12, max: 12 }),
      rangeSteps: fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 0, max: 4 }) }, fc.constant(40)),
      closeStep: fc.integer({ min: 0, max: 4 }),
      volume: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 }), fc.double({ min: 0, max: 50, noNaN: true })),
      read: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(candle, { maxLength: 150 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom(0.0001, 0.002, 0.01, 0.05),
        fc.constantFrom(0.3, 0.7, 1),
        fc.nat(150),
        (candles, window, binWidthRatio, valueAreaShare, resetAt) => {
          const options = { window, binWidthRatio, valueAreaShare, atrPeriod: 3 };
          const profile = new VolumeProfile(options);
          let reference = new ReferenceVolumeProfile(options);
          const outputs = (indicator: VolumeProfile | ReferenceVolumeProfile, read: boolean) => [
            indicator.value,
            indicator.pointOfControl,
            indicator.closeToPocPercent,
            indicator.closeToPocAtr,
            ...(read ? [indicator.valueAreaLow, indicator.valueAreaHigh, indicator.totalVolume] : []),
          ];
          candles.forEach(({ lowStep, rangeSteps, closeStep, volume, read }, index) => {
            if (index === resetAt) {
              profile.reset();
              reference = new ReferenceVolumeProfile(options);
            }
            const low = 100 * 1.01 ** lowStep;
            const high = low * 1.01 ** rangeSteps;
            const close = low * 1.01 ** Math.min(closeStep, rangeSteps);
            expect(profile.update(high, low, close, volume)).toBe(reference.update(high, low, close, volume));
            expect(outputs(profile, read)).toEqual(outputs(reference, read));
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('has no point of control when rounding residue leaves the window a total of at most 0', () => {
    // Bins 100, 101 and 102.01 at 1%; adding then removing 0.3 and 1.9 leaves −2.2e-16 in the first,
    // 0.1 and 0.2 leave +2.8e-17 in the last, and the zero-volume candles keep both bins occupied.
    const profile = new VolumeProfile({ window: 6, binWidthRatio: 0.01, atrPeriod: 2 });
    const reference = new ReferenceVolumeProfile({ window: 6, binWidthRatio: 0.01, valueAreaShare: 0.7, atrPeriod: 2 });
    const candles = [
      [100, 100, 0.3],
      [100, 100, 1.9],
      [102.01, 102.01, 0.1],
      [102.01, 102.01, 0.2],
      ...Array.from({ length: 6 }, () => [102.01, 100, 0]),
    ] as const;
    for (const [high, low, volume] of candles) {
      profile.update(high, low, low, volume);
      reference.update(high, low, low, volume);
    }
    expect(reference.totalVolume).toBeLessThan(0);
    expect([profile.pointOfControl, profile.totalVolume]).toEqual([Number.NaN, reference.totalVolume]);
  });

  it('puts the point of control where most volume traded, in % and ATR terms', () => {
    const profile = new VolumeProfile({ window: 3, binWidthRatio: 0.01, atrPeriod: 2 });
    profile.update(101, 100.5, 101, 10);
    profile.update(101, 100.5, 100.8, 50);
    profile.update(110, 109.5, 110, 5);
    const expectedPoc = Math.exp((profile.binOf(100.7) + 0.5) * Math.log(1.01));
    expect(profile.pointOfControl).toBeCloseTo(expectedPoc, 9);
    expect(profile.valueAreaLow).toBeLessThanOrEqual(100.5);
    expect(profile.valueAreaHigh).toBeGreaterThanOrEqual(101);
    expect(profile.valueAreaHigh).toBeLessThan(109.5);
    expect(profile.closeToPocPercent).toBeCloseTo((110 / expectedPoc - 1) * 100, 9);
    expect(profile.closeToPocAtr).toBeGreaterThan(0);
  });

  it('without its ATR (atrPeriod null) tracks the same profile and leaves closeToPocAtr undefined', () => {
    fc.assert(
      fc.property(arbitraryCandles(1, 120), (series) => {
        const withAtr = new VolumeProfile({ window: 20, atrPeriod: 3 });
        const without = new VolumeProfile({ window: 20, atrPeriod: null });
        expect(without.warmup).toBe(without.lookback);
        for (let i = 0; i < series.length; i++) {
          const candle = [series.high[i], series.low[i], series.close[i], series.volume[i]] as const;
          withAtr.update(...candle);
          without.update(...candle);
          expect(without.pointOfControl).toBe(withAtr.pointOfControl);
          expect(without.closeToPocPercent).toBe(withAtr.closeToPocPercent);
          expect(without.closeToPocAtr).toBeNaN();
        }
        expect([without.valueAreaLow, without.valueAreaHigh]).toEqual([withAtr.valueAreaLow, withAtr.valueAreaHigh]);
      }),
    );
  });

  it('declares its lookback and rejects non-positive prices', () => {
    const profile = new VolumeProfile({ window: 50 });
    expect(profile.lookback).toBe(49);
    expect(profile.warmup).toBe(325);
    expect(() => profile.update(1, 0, 1, 1)).toThrow(RangeError);
  });
});
