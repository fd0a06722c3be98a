import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingCorrelation } from './rolling-correlation.ts';

/** Pearson's r; NaN when a series is constant (tested exactly: its two-pass variance may round to 1e-35). */
function naivePearson(a: number[], b: number[]): number {
  const isConstant = (values: number[]) => values.every((value) => value === values[0]);
  if (isConstant(a) || isConstant(b)) return Number.NaN;
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const meanA = mean(a);
  const meanB = mean(b);
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  a.forEach((value, index) => {
    covariance += (value - meanA) * ((b[index] as number) - meanB);
    varianceA += (value - meanA) ** 2;
    varianceB += ((b[index] as number) - meanB) ** 2;
  });
  return covariance / Math.sqrt(varianceA * varianceB);
}

/** Returns in 0.1% steps, sometimes stuck at one value for a while (a halted market), so constant windows occur. */
const returnSeries = (length: number) =>
  fc.oneof(
    fc.array(
      fc.integer({ min: -50, max: 50 }).map((step) => step / 1000),
      { minLength: length, maxLength: length },
    ),
    fc.integer({ min: -5, max: 5 }).map((step) => Array.from({ length }, (_, t) => (t < length / 2 ? step / 100 : 0))),
  );

describe('RollingCorrelation', () => {
  it('equals the naive Pearson correlation of every pair over the window', () => {
    const scenario = fc
      .record({
        symbols: fc.integer({ min: 1, max: 5 }),
        window: fc.integer({ min: 2, max: 20 }),
        steps: fc.integer({ min: 0, max: 80 }),
      })
      .chain(({ symbols, window, steps }) =>
        fc.record({
          window: fc.constant(window),
          steps: fc.constant(steps),
          series: fc.array(returnSeries(steps), { minLength: symbols, maxLength: symbols }),
        }),
      );
    fc.assert(
      fc.property(scenario, ({ window, steps, series }) => {
        const symbols = series.length;
        const correlation = new RollingCorrelation({ symbols, window });
        for (let step = 0; step < steps; step++) {
          const matrix = correlation.update(series.map((returns) => returns[step] as number));
          for (let i = 0; i < symbols; i++) {
            for (let j = 0; j < symbols; j++) {
              const actual = matrix[i * symbols + j] as number;
              if (step < window - 1) {
                expect(actual).toBeNaN();
                continue;
              }
              const windowOf = (s: number) => (series[s] as number[]).slice(step - window + 1, step + 1);
              const expected = naivePearson(windowOf(i), windowOf(j));
              if (Number.isNaN(expected)) expect(actual).toBeNaN();
              else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-8);
              expect(correlation.correlation(j, i)).toEqual(actual);
            }
          }
        }
      }),
    );
  });

  it('gives through add and correlation the values update puts in the matrix', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 10 }),
        fc.array(fc.tuple(returnSeries(1), returnSeries(1))),
        (window, rows) => {
          const updated = new RollingCorrelation({ symbols: 2, window });
          const added = new RollingCorrelation({ symbols: 2, window });
          for (const [first, second] of rows) {
            const returns = [first[0] as number, second[0] as number];
            const matrix = updated.update(returns);
            added.add(returns);
            expect([0, 1, 2, 3].map((at) => added.correlation(at >> 1, at & 1))).toEqual(Array.from(matrix));
          }
        },
      ),
    );
  });

  it('rejects a return vector of the wrong size', () => {
    expect(() => new RollingCorrelation({ symbols: 2 }).update([0.1])).toThrow(/expected 2 returns/);
  });
});
