import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clipFeature } from './clamp-feature.ts';
import { RollingMoments } from './rolling-moments.ts';
import { RollingZScores } from './rolling-z-scores.ts';

describe('RollingZScores', () => {
  it('scores each column against its own window, skipping and zeroing NaN inputs, in rows of any count', () => {
    const columns = [4, 0, 2];
    const value = fc.oneof(
      { weight: 8, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
      fc.constant(Number.NaN),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.array(fc.tuple(value, value, value), { maxLength: 80 }),
        fc.integer({ min: 1, max: 9 }),
        (window, rows, rowsPerCall) => {
          const scores = new RollingZScores(window, columns);
          const windows = columns.map(() => new RollingMoments(window));
          const rawRows = Array.from({ length: rowsPerCall }, () => new Float64Array(5));
          const outRows = Array.from({ length: rowsPerCall }, () => new Float32Array(5));
          for (let first = 0; first < rows.length; first += rowsPerCall) {
            const batch = rows.slice(first, first + rowsPerCall);
            batch.forEach((row, r) => {
              columns.forEach((column, index) => {
                (rawRows[r] as Float64Array)[column] = row[index] as number;
              });
            });
            scores.updateRows(rawRows, outRows, batch.length);
            batch.forEach((row, r) => {
              const out = outRows[r] as Float32Array;
              columns.forEach((column, index) => {
                const input = row[index] as number;
                const moments = windows[index] as RollingMoments;
                if (!Number.isNaN(input)) moments.update(input);
                const expected = Number.isNaN(input) ? 0 : clipFeature(moments.zScore(input));
                expect(out[column]).toBe(Math.fround(expected));
              });
              expect([out[1], out[3]]).toEqual([0, 0]);
            });
          }
        },
      ),
    );
  });
});
