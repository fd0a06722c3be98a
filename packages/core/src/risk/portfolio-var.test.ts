import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyVarMeasure, PortfolioVar, Z_95, Z_99 } from './portfolio-var.ts';
import { ReturnHistory } from './return-history.ts';

const HOUR_MS = 3_600_000;

/** The same VaR the obvious way: every scenario rebuilt from the returns, a full sort, a two-pass variance. */
function naiveVar(returns: number[][], values: number[], candlesPerDay: number) {
  const n = returns.length;
  const pnl = returns.map((row) => row.reduce((sum, r, i) => sum + r * (values[i] as number), 0));
  const sorted = [...pnl].sort((a, b) => a - b);
  const mean = pnl.reduce((a, b) => a + b, 0) / n;
  const sigma = Math.sqrt(pnl.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const h = Math.sqrt(candlesPerDay);
  return {
    historical95: Math.max(0, -(sorted[Math.floor(0.05 * (n - 1))] as number)) * h,
    historical99: Math.max(0, -(sorted[Math.floor(0.01 * (n - 1))] as number)) * h,
    parametric95: Z_95 * sigma * h,
    parametric99: Z_99 * sigma * h,
  };
}

const returnRows = (symbols: number, minLength = 2) =>
  fc.array(fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: symbols, maxLength: symbols }), {
    minLength,
    maxLength: 120,
    size: 'max',
  });

describe('PortfolioVar', () => {
  it('equals the naive historical and parametric VaR, through rebases and a ring that wraps (property)', () => {
    fc.assert(
      fc.property(
        returnRows(3),
        fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 2, max: 60 }),
        fc.integer({ min: -1, max: 2 }),
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        (rows, base, values, window, extraSymbol, extraQuote) => {
          const history = new ReturnHistory(3, window);
          const portfolioVar = new PortfolioVar(history, HOUR_MS);
          for (const row of rows) {
            history.push(row);
            portfolioVar.rebase(base);
          }
          const measure = portfolioVar.measure(values, extraSymbol, extraQuote, emptyVarMeasure());
          const kept = rows.slice(-window);
          const exposures = values.map((v, i) => v + (i === extraSymbol ? extraQuote : 0));
          const expected = naiveVar(kept, exposures, 24);
          const scale = 1e-9 * (1 + exposures.reduce((a, b) => a + b, 0));
          expect(measure.samples).toBe(kept.length);
          expect(measure.historical95).toBeCloseTo(expected.historical95, 6);
          expect(Math.abs(measure.historical99 - expected.historical99)).toBeLessThan(scale);
          expect(Math.abs(measure.parametric95 - expected.parametric95)).toBeLessThan(scale * 10);
          expect(Math.abs(measure.parametric99 - expected.parametric99)).toBeLessThan(scale * 10);
        },
      ),
    );
  });

  it('scales per-candle VaR to one day by √(candles per day)', () => {
    const history = new ReturnHistory(1, 4);
    for (const r of [-0.02, 0.01, 0.03, -0.01]) history.push([r]);
    const hourly = new PortfolioVar(history, HOUR_MS).measure([1_000], -1, 0, emptyVarMeasure());
    const daily = new PortfolioVar(history, 24 * HOUR_MS).measure([1_000], -1, 0, emptyVarMeasure());
    expect(daily.historical95).toBeCloseTo(20, 9);
    expect(hourly.historical95).toBeCloseTo(20 * Math.sqrt(24), 9);
    expect(hourly.parametric99 / daily.parametric99).toBeCloseTo(Math.sqrt(24), 9);
  });

  it('finds the largest buy under the caps: parametric in closed form, historical by bisection (property)', () => {
    fc.assert(
      fc.property(
        returnRows(2, 20),
        fc.double({ min: 100, max: 1e4, noNaN: true }),
        fc.double({ min: 1, max: 1e4, noNaN: true }),
        fc.double({ min: 1, max: 3, noNaN: true }),
        (rows, held, upTo, capFactor) => {
          const history = new ReturnHistory(2, 200);
          for (const row of rows) history.push(row);
          const portfolioVar = new PortfolioVar(history, HOUR_MS);
          const values = [held, 0];
          const atZero = portfolioVar.measure(values, 1, 0, emptyVarMeasure());
          const cap95 = Math.max(atZero.historical95, atZero.parametric95) * capFactor + 1e-6;
          const cap99 = Math.max(atZero.historical99, atZero.parametric99) * capFactor + 1e-6;
          portfolioVar.prepare(values, 1);
          const parametric = portfolioVar.largestParametricWithin(upTo, cap95, cap99) * (1 - 1e-9);
          const at = portfolioVar.measureAt(parametric, emptyVarMeasure());
          expect(at.parametric95).toBeLessThanOrEqual(cap95 * (1 + 1e-9));
          expect(at.parametric99).toBeLessThanOrEqual(cap99 * (1 + 1e-9));
          if (parametric < upTo * (1 - 1e-6)) {
            const beyond = portfolioVar.measureAt(Math.min(upTo, parametric * 1.001 + 1e-3), emptyVarMeasure());
            expect(Math.max(beyond.parametric95 / cap95, beyond.parametric99 / cap99)).toBeGreaterThan(1 - 1e-6);
          }
          const historical = portfolioVar.largestHistoricalWithin(upTo, cap95, cap99);
          const check = portfolioVar.measureAt(historical, emptyVarMeasure());
          expect(check.historical95).toBeLessThanOrEqual(cap95 * (1 + 1e-9));
          expect(check.historical99).toBeLessThanOrEqual(cap99 * (1 + 1e-9));
        },
      ),
    );
  });

  it('is NaN with fewer than two scenarios', () => {
    const history = new ReturnHistory(1, 10);
    history.push([0.01]);
    expect(new PortfolioVar(history, HOUR_MS).measure([1], -1, 0, emptyVarMeasure()).historical95).toBeNaN();
  });
});
