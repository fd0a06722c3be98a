import { describe, expect, it } from 'vitest';
import { ReferenceCorrelation, ReferenceReturns } from './reference-correlation.ts';

const HOUR = 3_600_000;
const WINDOW = 3;
const symbolReturns = [Number.NaN, 0.01, -0.02, 0.03, 0.005, -0.01];
const referenceReturns = [Number.NaN, 0.02, -0.01, 0.02, 0.01, -0.03];

/** Feeds both symbols time step by time step; `referenceFirst` puts the reference's candle first in each step. */
function run(referenceFirst: boolean, referenceTimes = symbolReturns.map((_, i) => i * HOUR)): number[] {
  const reference = new ReferenceReturns();
  const correlation = new ReferenceCorrelation(WINDOW);
  const values: number[] = [];
  symbolReturns.forEach((symbolReturn, i) => {
    const time = i * HOUR;
    const referenceAt = referenceTimes.indexOf(time);
    if (referenceFirst && referenceAt >= 0) reference.record(time, referenceReturns[referenceAt] as number);
    values.push(correlation.update(time, symbolReturn, reference));
    if (!referenceFirst && referenceAt >= 0) reference.record(time, referenceReturns[referenceAt] as number);
  });
  return values;
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((x, i) => {
    const y = b[i] as number;
    ab += (x - ma) * (y - mb);
    aa += (x - ma) ** 2;
    bb += (y - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

describe('ReferenceCorrelation', () => {
  it("uses the reference's return at t when the reference's candle t was fed first", () => {
    const values = run(true);
    expect(values.slice(0, 3).every(Number.isNaN)).toBe(true);
    expect(values[3]).toBeCloseTo(pearson(symbolReturns.slice(1, 4), referenceReturns.slice(1, 4)), 12);
    expect(values[5]).toBeCloseTo(pearson(symbolReturns.slice(3, 6), referenceReturns.slice(3, 6)), 12);
  });

  it("holds the pair of time t back to the next candle when the reference's candle t comes later", () => {
    const values = run(false);
    expect(values.slice(0, 4).every(Number.isNaN)).toBe(true);
    // At t = 4 the window holds the pairs of times 1…3 only: the reference's return at 4 is not yet known.
    expect(values[4]).toBeCloseTo(pearson(symbolReturns.slice(1, 4), referenceReturns.slice(1, 4)), 12);
    expect(values[5]).toBeCloseTo(pearson(symbolReturns.slice(2, 5), referenceReturns.slice(2, 5)), 12);
  });

  it('pairs by candle time: a time the reference has no candle for gives no pair', () => {
    const times = [0, 1, 3, 4, 5].map((i) => i * HOUR); // reference misses time 2
    const reference = new ReferenceReturns();
    const correlation = new ReferenceCorrelation(WINDOW);
    let value = Number.NaN;
    symbolReturns.forEach((symbolReturn, i) => {
      const time = i * HOUR;
      const at = times.indexOf(time);
      if (at >= 0) reference.record(time, referenceReturns[i] as number);
      value = correlation.update(time, symbolReturn, reference);
    });
    const paired = [1, 3, 4, 5].slice(-WINDOW);
    expect(value).toBeCloseTo(
      pearson(
        paired.map((i) => symbolReturns[i] as number),
        paired.map((i) => referenceReturns[i] as number),
      ),
      12,
    );
  });

  it('never pairs with a reference fed ahead of time: stays masked', () => {
    const reference = new ReferenceReturns();
    for (let i = 0; i < 6; i++) reference.record((i + 100) * HOUR, 0.01 * i);
    const correlation = new ReferenceCorrelation(WINDOW);
    symbolReturns.forEach((r, i) => {
      expect(correlation.update(i * HOUR, r, reference)).toBeNaN();
    });
  });
});
