import { describe, expect, it } from 'vitest';
import { EquityCurve } from './equity-curve.ts';
import { PortfolioError } from './errors.ts';

describe('EquityCurve', () => {
  it('records points into growing Float64Arrays', () => {
    const curve = new EquityCurve({ initialCapacity: 2 });
    for (let i = 0; i < 5; i++) curve.record(i * 60_000, 1000 + i);
    expect(curve.length).toBe(5);
    expect([...curve.times()]).toEqual([0, 60_000, 120_000, 180_000, 240_000]);
    expect([...curve.equities()]).toEqual([1000, 1001, 1002, 1003, 1004]);
    expect(curve.timeAt(4)).toBe(240_000);
    expect(curve.equityAt(0)).toBe(1000);
  });

  it('does not reallocate within the preallocated capacity', () => {
    const curve = new EquityCurve({ initialCapacity: 3 });
    curve.record(1, 1);
    const buffer = curve.times().buffer;
    curve.record(2, 2);
    curve.record(3, 3);
    expect(curve.times().buffer).toBe(buffer);
    curve.clear();
    expect(curve.length).toBe(0);
  });

  it('refuses time going backwards and a bad capacity', () => {
    const curve = new EquityCurve();
    curve.record(10, 1);
    curve.record(10, 2);
    expect(() => curve.record(9, 1)).toThrow(PortfolioError);
    expect(() => new EquityCurve({ initialCapacity: 0 })).toThrow(PortfolioError);
  });
});
