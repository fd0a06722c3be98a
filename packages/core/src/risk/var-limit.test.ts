import { describe, expect, it } from 'vitest';
import { emptyVarMeasure, PortfolioVar, Z_95 } from './portfolio-var.ts';
import { ReturnHistory } from './return-history.ts';
import type { BuyCheck } from './types.ts';
import { VAR_LIMIT_DEFAULTS, varLimit, varWithinCaps } from './var-limit.ts';

const HOUR_MS = 3_600_000;

/** Two assets over 200 hours: A swings ±2% in turn, B ±0.5%. */
function history(): ReturnHistory {
  const returns = new ReturnHistory(2, 200);
  for (let k = 0; k < 200; k++) returns.push([k % 2 === 0 ? -0.02 : 0.02, k % 2 === 0 ? 0.005 : -0.005]);
  return returns;
}

const check = (quoteQty: number, symbolIndex = 0): BuyCheck => ({
  symbol: symbolIndex === 0 ? 'A' : 'B',
  symbolIndex,
  quoteQty,
  priceQuote: 1,
  equityQuote: 10_000,
  cashQuote: 10_000,
  positionValueQuote: 0,
  confidence: 1,
  sizeMultiplier: 1,
});

describe('var limit', () => {
  it('passes a buy that keeps the one-day VaR within its caps', () => {
    const portfolioVar = new PortfolioVar(history(), HOUR_MS);
    // 1,000 in A: per-candle loss 2% = 20, one day × √24 ≈ 98 = 0.98% of equity, under 3% and 5%.
    expect(
      varLimit(check(1_000), Float64Array.from([0, 0]), portfolioVar, VAR_LIMIT_DEFAULTS, emptyVarMeasure()),
    ).toBeNull();
  });

  it('resizes a buy to the largest size within both caps, and says by how much', () => {
    const portfolioVar = new PortfolioVar(history(), HOUR_MS);
    const measure = emptyVarMeasure();
    const limit = varLimit(check(10_000), Float64Array.from([0, 0]), portfolioVar, VAR_LIMIT_DEFAULTS, measure);
    expect(limit?.rule).toBe('var-limit');
    const largest = limit?.maxQuote as number;
    // ±2% in turn: σ = 0.02 × √(200/199); the 95% cap binds first: 1.6449 × σ × √24 × x ≤ 300.
    const sigma = 0.02 * Math.sqrt(200 / 199);
    expect(largest).toBeCloseTo(300 / (Z_95 * sigma * Math.sqrt(24)), 3);
    portfolioVar.prepare(Float64Array.from([0, 0]), 0);
    expect(varWithinCaps(portfolioVar.measureAt(largest, measure), 300, 500)).toBe(true);
    expect(limit?.reason).toMatch(/^var-limit: buying 10000\.00 of A takes one-day VaR to 95% [\d.]+% \(historical/);
    expect(limit?.reason).toContain('caps 95% ≤ 3.00%, 99% ≤ 5.00%; largest buy within them');
  });

  it('refuses any buy when the portfolio is over a cap without it', () => {
    const portfolioVar = new PortfolioVar(history(), HOUR_MS);
    const limit = varLimit(
      check(100, 1),
      Float64Array.from([20_000, 0]),
      portfolioVar,
      VAR_LIMIT_DEFAULTS,
      emptyVarMeasure(),
    );
    expect(limit?.maxQuote).toBe(0);
    expect(limit?.reason).toContain('over its cap before any buy of B');
  });

  it('stays silent until the window holds minSamples scenarios', () => {
    const short = new ReturnHistory(2, 200);
    for (let k = 0; k < 50; k++) short.push([-0.05, 0]);
    const limit = varLimit(
      check(1e6),
      Float64Array.from([0, 0]),
      new PortfolioVar(short, HOUR_MS),
      VAR_LIMIT_DEFAULTS,
      emptyVarMeasure(),
    );
    expect(limit).toBeNull();
  });
});
