import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BREAKER_STATES,
  breakerLevelFor,
  CIRCUIT_BREAKER_DEFAULTS,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from './circuit-breaker.ts';
import type { BreakerState } from './types.ts';

const NO_RECOVERY: CircuitBreakerOptions = { ...CIRCUIT_BREAKER_DEFAULTS, recoveryCandles: Number.POSITIVE_INFINITY };

describe('CircuitBreaker', () => {
  it('steps ACTIVE → REDUCED → CONSERVATIVE → HALTED on drawdown from the peak, not from the start', () => {
    const breaker = new CircuitBreaker();
    expect(breaker.update(100)).toBeNull();
    expect(breaker.update(200)).toBeNull(); // new peak: a fall to 190 is 5% from 200, though +90% from the start
    expect(breaker.update(190)).toMatchObject({ from: 'ACTIVE', to: 'REDUCED' });
    expect(breaker.update(180)).toMatchObject({ from: 'REDUCED', to: 'CONSERVATIVE' });
    const halt = breaker.update(170);
    expect(halt).toMatchObject({ from: 'CONSERVATIVE', to: 'HALTED', peakEquityQuote: 200 });
    expect(halt?.reason).toContain('drawdown 15.00% from peak 200.00');
  });

  it('jumps straight to the highest level a single candle reaches', () => {
    const breaker = new CircuitBreaker();
    breaker.update(1000);
    expect(breaker.update(800)).toMatchObject({ from: 'ACTIVE', to: 'HALTED' });
  });

  it('trips at exactly its thresholds, whatever the numbers (property)', () => {
    const thresholds = [0.05, 0.1, 0.15];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: 0.5, max: 1.5, noNaN: true }), fc.constantFrom(0.95, 0.9, 0.85, 1)), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.double({ min: 1, max: 1e7, noNaN: true }),
        (moves, start) => {
          const breaker = new CircuitBreaker(NO_RECOVERY);
          let peak = 0;
          let expected: BreakerState = 'ACTIVE';
          let equity = start;
          for (const move of moves) {
            // Moves of exactly 0.95, 0.9, 0.85 land on the thresholds from the current peak.
            equity = move === 0.95 || move === 0.9 || move === 0.85 ? Math.max(peak, equity) * move : equity * move;
            peak = Math.max(peak, equity);
            const mathematicalDrawdown = 1 - equity / peak;
            const level = [...thresholds].reverse().findIndex((t) => mathematicalDrawdown >= t - 1e-12);
            const reached = level === -1 ? 0 : 3 - level;
            const before = expected;
            if (reached > BREAKER_STATES.indexOf(expected)) expected = BREAKER_STATES[reached] as BreakerState;
            const transition = breaker.update(equity);
            expect(breaker.state).toBe(expected);
            expect(transition === null).toBe(before === expected);
          }
        },
      ),
    );
  });

  it('counts equity exactly at a threshold as reaching it', () => {
    for (const [peak, fall, level] of [
      [3, 0.95, 'REDUCED'],
      [7.77, 0.9, 'CONSERVATIVE'],
      [12_345.67, 0.85, 'HALTED'],
    ] as const) {
      const breaker = new CircuitBreaker();
      breaker.update(peak);
      breaker.update(peak * fall);
      expect(breaker.state).toBe(level);
    }
    expect(breakerLevelFor(0.0499999, CIRCUIT_BREAKER_DEFAULTS)).toBe('ACTIVE');
  });

  it('steps back one level only after the drawdown stays below the band for the recovery candles', () => {
    const breaker = new CircuitBreaker({ ...CIRCUIT_BREAKER_DEFAULTS, recoveryCandles: 3, recoveryBand: 0.02 });
    breaker.update(100);
    breaker.update(89); // 11%: CONSERVATIVE
    expect(breaker.state).toBe('CONSERVATIVE');
    breaker.update(93); // 7% < 10% − 2%
    breaker.update(93);
    expect(breaker.update(91)).toBeNull(); // 9%: not below 8%, the count restarts
    breaker.update(93);
    breaker.update(93);
    expect(breaker.update(93)).toMatchObject({ from: 'CONSERVATIVE', to: 'REDUCED' });
    breaker.update(99);
    breaker.update(99);
    expect(breaker.update(99)).toMatchObject({ from: 'REDUCED', to: 'ACTIVE' });
  });

  it('leaves HALTED only by an explicit reset, which re-bases the peak', () => {
    const breaker = new CircuitBreaker({ ...CIRCUIT_BREAKER_DEFAULTS, recoveryCandles: 1 });
    breaker.update(100);
    breaker.update(80);
    for (let i = 0; i < 10; i++) breaker.update(100);
    expect(breaker.state).toBe('HALTED');
    const reset = breaker.reset(80, 'alice', 'reviewed the losses');
    expect(reset).toMatchObject({ from: 'HALTED', to: 'ACTIVE' });
    expect(reset.reason).toContain('reset by alice: reviewed the losses');
    expect(breaker.update(79)).toBeNull(); // 1.25% from the new peak 80
  });
});
