import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CurvePoint, downsampleCurve } from './downsample-curve.ts';

const curve = fc
  .array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 0, maxLength: 600 })
  .map((values) => values.map((value, i): CurvePoint => [1_700_000_000_000 + i * 60_000, value]));

describe('downsampleCurve', () => {
  it('returns short curves unchanged', () => {
    const points: CurvePoint[] = [
      [1, 10],
      [2, 5],
      [3, 7],
    ];
    expect(downsampleCurve(points, 4)).toEqual(points);
  });

  it('keeps a one-point dip that averaging would smooth away', () => {
    const points = Array.from({ length: 10_000 }, (_, i): CurvePoint => [i, i === 6_543 ? 1 : 100]);
    const kept = downsampleCurve(points, 100);
    expect(kept.length).toBeLessThanOrEqual(100);
    expect(kept).toContainEqual([6_543, 1]);
  });

  it('never exceeds maxPoints, keeps first, last, peak and trough, and is an ordered subsequence (property)', () => {
    fc.assert(
      fc.property(curve, fc.integer({ min: 4, max: 200 }), (points, maxPoints) => {
        const kept = downsampleCurve(points, maxPoints);
        expect(kept.length).toBeLessThanOrEqual(Math.max(maxPoints, 0));
        if (points.length <= maxPoints) {
          expect(kept).toEqual(points);
          return;
        }
        expect(kept[0]).toEqual(points[0]);
        expect(kept.at(-1)).toEqual(points.at(-1));
        const values = points.map(([, value]) => value);
        const keptValues = kept.map(([, value]) => value);
        expect(keptValues).toContain(Math.max(...values));
        expect(keptValues).toContain(Math.min(...values));
        const byTime = new Map(points.map(([time, value]) => [time, value]));
        for (let i = 0; i < kept.length; i++) {
          const [time, value] = kept[i] as CurvePoint;
          expect(byTime.get(time)).toBe(value);
          if (i > 0) expect(time).toBeGreaterThan((kept[i - 1] as CurvePoint)[0]);
        }
      }),
    );
  });

  it('refuses a maxPoints too small to hold first, last and one bucket', () => {
    expect(() => downsampleCurve([], 3)).toThrow(RangeError);
    expect(() => downsampleCurve([], 10.5)).toThrow(RangeError);
  });
});
