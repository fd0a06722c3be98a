import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { performanceFactor, REGIME_PRIOR, SHARPE_CLAMP, TOLERANCE_PRIOR, weighAgents } from './selection.ts';

describe('weighAgents', () => {
  it('gives weights that sum to 1 over the allowed agents and 0 to the others, for any Sharpe ratios', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 0.01, max: 10, noNaN: true }), fc.double(), fc.boolean()), {
          minLength: 1,
          maxLength: 6,
        }),
        (agents) => {
          const priors = Float64Array.from(agents.map(([prior]) => prior));
          const sharpes = Float64Array.from(agents.map(([, sharpe]) => sharpe));
          const allowed = Uint8Array.from(agents.map(([, , allow]) => (allow ? 1 : 0)));
          const weights = new Float64Array(agents.length);
          const any = weighAgents(priors, sharpes, allowed, weights);
          expect(any).toBe(allowed.includes(1));
          const total = weights.reduce((a, b) => a + b, 0);
          expect(total).toBeCloseTo(any ? 1 : 0, 12);
          weights.forEach((weight, a) => {
            if (allowed[a] === 0) expect(weight).toBe(0);
            else expect(weight).toBeGreaterThan(0);
          });
        },
      ),
    );
  });

  it('favours the agent with the better recent Sharpe, but only up to the clamp', () => {
    const weights = new Float64Array(2);
    weighAgents(Float64Array.of(1, 1), Float64Array.of(2, 0), Uint8Array.of(1, 1), weights);
    expect((weights[0] as number) / (weights[1] as number)).toBeCloseTo(Math.E, 12);
    expect(performanceFactor(100)).toBe(performanceFactor(SHARPE_CLAMP));
    expect(performanceFactor(Number.NaN)).toBe(1);
  });

  it('has a prior for every agent in every regime and tolerance', () => {
    for (const table of [REGIME_PRIOR, TOLERANCE_PRIOR]) {
      for (const row of Object.values(table)) expect(Object.values(row).every((p) => p > 0)).toBe(true);
    }
    expect(REGIME_PRIOR.bull.aggressive).toBeGreaterThan(REGIME_PRIOR.bear.aggressive);
    expect(REGIME_PRIOR.sideways.contrarian).toBeGreaterThan(REGIME_PRIOR.bull.contrarian);
    expect(TOLERANCE_PRIOR.low.conservative).toBeGreaterThan(TOLERANCE_PRIOR.high.conservative);
  });
});
