import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTION_EXPOSURES } from './actions.ts';
import { featureInputScale } from './normalisation.ts';
import { marketFromCloses } from './test-markets.ts';
import { EnvironmentOptionsError, TradingEnvironment } from './trading-environment.ts';

const FLAT = 0;
const HALF = 1;
const FULL = 2;
const SCALE = featureInputScale();
const NO_COSTS = { feeRate: 0, slippageBps: 0, riskAversion: 0 };

const closes = [100, 110, 99, 121, 120, 132];

describe('TradingEnvironment', () => {
  it('uses the action set flat / half / full', () => {
    expect(ACTION_EXPOSURES).toEqual([0, 0.5, 1]);
  });

  it('earns exactly 0 while flat, whatever the price does', () => {
    const market = marketFromCloses(closes);
    const env = new TradingEnvironment(market, SCALE);
    env.reset(market, 0);
    for (let i = 0; i < closes.length - 1; i++) expect(env.step(FLAT)).toBe(0);
    expect(env.equityQuote).toBe(1);
  });

  it('without costs, full exposure compounds the price and the rewards sum to 100 × its log return', () => {
    const market = marketFromCloses(closes);
    const env = new TradingEnvironment(market, SCALE, NO_COSTS);
    env.reset(market, 0);
    let rewards = 0;
    for (let i = 0; i < closes.length - 1; i++) rewards += env.step(FULL);
    expect(env.equityQuote).toBeCloseTo(132 / 100, 12);
    expect(rewards).toBeCloseTo(100 * Math.log(1.32), 10);
    expect(env.trades).toBe(1);
  });

  it('charges the fee and the slippage on the traded notional, buying and selling', () => {
    const market = marketFromCloses([100, 100, 100]);
    const env = new TradingEnvironment(market, SCALE, { feeRate: 0.001, slippageBps: 10, riskAversion: 0 });
    env.reset(market, 0);
    env.step(FULL);
    expect(env.equityQuote).toBeCloseTo(1 / (1.001 * 1.001), 12);
    env.step(FLAT);
    expect(env.equityQuote).toBeCloseTo((0.999 * 0.999) / (1.001 * 1.001), 12);
  });

  it('holds the position limit: full means maxExposure of equity', () => {
    const market = marketFromCloses([100, 100, 100]);
    const env = new TradingEnvironment(market, SCALE, { ...NO_COSTS, maxExposure: 0.4 });
    env.reset(market, 0);
    env.step(FULL);
    expect(env.exposure()).toBeCloseTo(0.4, 12);
    env.step(HALF);
    expect(env.exposure()).toBeCloseTo(0.2, 12);
  });

  it('charges variance: riskAversion lowers the reward of a volatile step by λ·g²', () => {
    const market = marketFromCloses([100, 100, 120]);
    const env = new TradingEnvironment(market, SCALE, { feeRate: 0, slippageBps: 0, riskAversion: 0.5 });
    env.reset(market, 0);
    env.step(FULL);
    const g = Math.log(1.2);
    expect(env.step(FULL)).toBeCloseTo(100 * (g - 0.5 * g * g), 10);
  });

  it('observes the scaled features and the held exposure', () => {
    const market = marketFromCloses([100, 100, 100], (_, column) => (column === 0 ? 5 : 0.5));
    const env = new TradingEnvironment(market, SCALE, NO_COSTS);
    env.reset(market, 0);
    expect(env.observation[0]).toBeCloseTo(1, 6);
    expect(env.observation[3]).toBeCloseTo(0.5, 6);
    expect(env.observation[market.width]).toBe(0);
    env.step(FULL);
    expect(env.observation[market.width]).toBeCloseTo(1, 12);
  });

  it('keeps equity positive and finite and exposure within the limit on any price path and actions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 2, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 60, maxLength: 60 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (moves, actions, maxExposure) => {
          let price = 100;
          const path = [price, ...moves.map((move) => (price *= Math.exp(move)))];
          const market = marketFromCloses(path);
          const env = new TradingEnvironment(market, SCALE, { maxExposure });
          env.reset(market, 0);
          for (let i = 0; i < path.length - 1; i++) {
            const reward = env.step(actions[i] as number);
            expect(Number.isFinite(reward)).toBe(true);
            expect(env.equityQuote).toBeGreaterThan(0);
            expect(env.exposure()).toBeGreaterThanOrEqual(0);
            expect(env.exposure()).toBeLessThanOrEqual(1 + 1e-9);
          }
        },
      ),
    );
  });

  it('refuses options out of range with a clear message', () => {
    const market = marketFromCloses(closes);
    expect(() => new TradingEnvironment(market, SCALE, { maxExposure: 1.5 })).toThrow(EnvironmentOptionsError);
    expect(() => new TradingEnvironment(market, SCALE, { feeRate: -0.01 })).toThrow(/feeRate must be in/);
  });
});
