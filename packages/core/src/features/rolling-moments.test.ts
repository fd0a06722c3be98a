import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingMoments } from './rolling-moments.ts';

/** Two-pass mean and population standard deviation of `values`, the textbook definition. */
function reference(values: readonly number[]): { mean: number; deviation: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
  return { mean, deviation: Math.sqrt(variance) };
}

describe('RollingMoments', () => {
  it('matches the two-pass mean and standard deviation of the last `window` values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 20 }),
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 120 }),
        (window, values) => {
          const moments = new RollingMoments(window);
          values.forEach((value, n) => {
            moments.update(value);
            const last = values.slice(Math.max(0, n + 1 - window), n + 1);
            const expected = reference(last);
            // Rounding is relative to the magnitude of the values, not to their spread.
            const tolerance = 1e-10 * Math.max(1, ...last.map(Math.abs));
            expect(Math.abs(moments.mean - expected.mean)).toBeLessThanOrEqual(tolerance);
            if (last.length < window) {
              expect(moments.full).toBe(false);
              expect(moments.standardDeviation).toBeNaN();
              expect(moments.zScore(value)).toBeNaN();
            } else {
              expect(Math.abs(moments.standardDeviation - expected.deviation)).toBeLessThanOrEqual(tolerance);
            }
          });
        },
      ),
    );
  });

  it('gives the z-score against the window that includes the value', () => {
    const moments = new RollingMoments(4);
    for (const value of [1, 2, 3, 4]) moments.update(value);
    // mean 2.5, population σ = √1.25
    expect(moments.zScore(4)).toBeCloseTo(1.5 / Math.sqrt(1.25), 14);
  });

  it('scores a constant window as 0, not as rounding noise', () => {
    const moments = new RollingMoments(5);
    for (let i = 0; i < 20; i++) moments.update(Math.log(12345.678));
    expect(moments.zScore(Math.log(12345.678))).toBe(0);
  });

  it('forgets a spike that left a quiet window: a flat window scores 0 again', () => {
    const moments = new RollingMoments(4);
    for (const value of [1e6, 0, 0, 0, 0]) moments.update(value);
    expect(moments.standardDeviation).toBe(0);
    expect(moments.zScore(0)).toBe(0);
  });

  it('depends on the last window, not on what came before it, to within 1e-10 of its spread', () => {
    const values = fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { maxLength: 60 });
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), values, values, values, (window, prefixA, prefixB, tail) => {
        const a = new RollingMoments(window);
        const b = new RollingMoments(window);
        const shared = [...tail, ...Array.from({ length: window }, (_, i) => Math.sin(i) * (1 + (tail.at(-1) ?? 0)))];
        for (const value of [...prefixA, ...shared]) a.update(value);
        for (const value of [...prefixB, ...shared]) b.update(value);
        const scale = Math.max(Number.MIN_VALUE, a.standardDeviation);
        expect(Math.abs(a.standardDeviation - b.standardDeviation) / scale).toBeLessThan(1e-10);
        expect(Math.abs(a.mean - b.mean) / scale).toBeLessThan(1e-10);
      }),
      { numRuns: 500 },
    );
  });

  it('depends on the window alone after a long run (no rounding build-up)', () => {
    const long = new RollingMoments(50);
    const fresh = new RollingMoments(50);
    let x = 1e4;
    const values: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      x += Math.sin(i * 0.37) * 30 + ((i * 7919) % 13) - 6;
      values.push(x);
      long.update(x);
    }
    for (const value of values.slice(-50)) fresh.update(value);
    expect(Math.abs(long.mean - fresh.mean)).toBeLessThan(1e-9 * Math.abs(fresh.mean));
    expect(Math.abs(long.standardDeviation - fresh.standardDeviation)).toBeLessThan(1e-9 * fresh.standardDeviation);
  });
});
