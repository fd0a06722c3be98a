import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClosedTrade,
  computeMetrics,
  drawdownCurve,
  historicalVar,
  kthSmallest,
  maxDrawdownOf,
  periodReturns,
  sharpeRatio,
  sortinoRatio,
} from './metrics.ts';

const HOUR = 3_600_000;

function curve(values: number[]) {
  return { time: Float64Array.from(values, (_, i) => i * HOUR), equity: Float64Array.from(values) };
}

function trade(pnl: number): ClosedTrade {
  return { symbol: 'X', entryTime: 0, entryPrice: 1, exitTime: 1, exitPrice: 1, qty: 1, fees: 0, pnl };
}

describe('computeMetrics', () => {
  it('computes return, drawdown, win rate and profit factor by their definitions', () => {
    const m = computeMetrics(curve([100, 120, 90, 110]), [trade(20), trade(-30), trade(20)], 2, HOUR);
    expect(m.totalReturn).toBeCloseTo(0.1, 12);
    expect(m.maxDrawdown).toBeCloseTo(0.25, 12);
    expect(m.winRate).toBeCloseTo(2 / 3, 12);
    expect(m.profitFactor).toBeCloseTo(40 / 30, 12);
    expect(m.exposure).toBe(0.5);
    expect(m.trades).toBe(3);
  });

  it('annualises Sharpe with the candle length', () => {
    const returns = [0.01, -0.005, 0.02, 0.0];
    const values = [100];
    for (const r of returns) values.push((values.at(-1) as number) * (1 + r));
    const m = computeMetrics(curve(values), [], 0, HOUR);
    const average = returns.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(returns.reduce((a, r) => a + (r - average) ** 2, 0) / 3);
    expect(m.sharpe).toBeCloseTo((average / sd) * Math.sqrt(8766), 9);
    const downside = Math.sqrt(0.005 ** 2 / 4);
    expect(m.sortino).toBeCloseTo((average / downside) * Math.sqrt(8766), 9);
  });

  it('reports null, never NaN or Infinity, where a metric is undefined', () => {
    const m = computeMetrics(curve([100, 100, 100]), [trade(5)], 0, HOUR);
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull();
    expect(m.profitFactor).toBeNull();
    expect(m.calmar).toBeNull();
    expect(JSON.stringify(m)).not.toMatch(/NaN|Infinity/);
  });
});

describe('computeMetrics in its fused passes', () => {
  it('gives exactly what the one-metric functions give, bit for bit', () => {
    const values = fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { maxLength: 300 });
    fc.assert(
      fc.property(values, (equity) => {
        const metrics = computeMetrics(curve(equity), [], 0, HOUR);
        const returns = periodReturns(Float64Array.from(equity));
        const periodsPerYear = (365.25 * 24 * HOUR) / HOUR;
        expect(metrics.sharpe).toBe(sharpeRatio(returns, periodsPerYear));
        expect(metrics.sortino).toBe(sortinoRatio(returns, periodsPerYear));
        expect(metrics.maxDrawdown).toBe(maxDrawdownOf(Float64Array.from(equity)));
        expect(metrics.var95).toBe(historicalVar(returns, 0.05));
      }),
    );
  });

  it('gives the same through flat stretches, where the equity repeats (a backtest out of the market)', () => {
    const stretch = fc.tuple(fc.double({ min: 1, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 20 }));
    fc.assert(
      fc.property(fc.array(stretch, { maxLength: 40 }), (stretches) => {
        const equity = stretches.flatMap(([value, length]) => Array.from({ length }, () => value));
        const metrics = computeMetrics(curve(equity), [], 0, HOUR);
        const returns = periodReturns(Float64Array.from(equity));
        const periodsPerYear = (365.25 * 24 * HOUR) / HOUR;
        expect(metrics.sharpe).toBe(sharpeRatio(returns, periodsPerYear));
        expect(metrics.sortino).toBe(sortinoRatio(returns, periodsPerYear));
        expect(metrics.maxDrawdown).toBe(maxDrawdownOf(Float64Array.from(equity)));
        expect(metrics.var95).toBe(historicalVar(returns, 0.05));
      }),
    );
  });
});

describe('drawdown', () => {
  it('is never negative and is zero at every new high', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), (xs) => {
        const equity = Float64Array.from(xs);
        const curveValues = drawdownCurve(equity);
        let peak = 0;
        xs.forEach((x, i) => {
          expect(curveValues[i]).toBeGreaterThanOrEqual(0);
          if (x >= peak) {
            expect(curveValues[i]).toBe(0);
            peak = x;
          }
        });
        expect(maxDrawdownOf(equity)).toBe(Math.max(...curveValues));
      }),
    );
  });
});

describe('historicalVar', () => {
  it('is the loss at the 5th percentile', () => {
    const returns = Float64Array.from({ length: 101 }, (_, i) => (i - 50) / 1000);
    expect(historicalVar(returns, 0.05)).toBeCloseTo(0.045, 12);
  });

  it('equals the loss at its rank among all returns, sorted (0 when that return is no loss)', () => {
    // Flat periods (exact zeros) are common in backtests: the generator mixes them in.
    const aReturn = fc.oneof(fc.constant(0), fc.double({ min: -1, max: 1, noNaN: true }));
    const tail = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(fc.array(aReturn, { minLength: 1, maxLength: 300 }), tail, (xs, share) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const quantile = sorted[Math.floor(share * (xs.length - 1))] as number;
        const returns = Float64Array.from(xs);
        expect(historicalVar(returns, share)).toBe(Math.max(0, -quantile));
        expect(Array.from(returns)).toEqual(xs); // the caller's returns are left as they were
      }),
    );
  });
});

describe('kthSmallest', () => {
  it('equals sorting and indexing', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 300 }), fc.nat(), (xs, k) => {
        const index = k % xs.length;
        const sorted = [...xs].sort((a, b) => a - b);
        expect(kthSmallest(Float64Array.from(xs), index)).toBe(sorted[index]);
      }),
    );
  });
});
