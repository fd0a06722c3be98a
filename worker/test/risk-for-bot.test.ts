/**
 * The limits the API accepts are limits the risk manager accepts: the contract's platform caps are the core's,
 * and any bot configuration that passes the API's schema builds a risk manager (no bot can be saved and then fail
 * to start on its own limits — the e2e suite found exactly that with the VaR default).
 */
import {
  PLATFORM_HALT_DRAWDOWN,
  PLATFORM_MAX_CORRELATED_EXPOSURE,
  PLATFORM_MAX_POSITION_FRACTION,
  PLATFORM_MAX_STOP_LOSS,
  PLATFORM_MAX_VAR95,
  PLATFORM_MIN_CONFIDENCE,
  RiskLimits,
} from '@keel/contract/bots.ts';
import { PLATFORM_RISK_LIMITS } from '@keel/core/risk/risk-config.ts';
import { RiskManager } from '@keel/core/risk/risk-manager.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { botRiskConfig } from '../src/bots/risk-for-bot.ts';

const fraction = (max: number) => fc.double({ min: 1e-6, max, noNaN: true });

describe('bot risk limits', () => {
  it("the API's platform caps are the risk manager's", () => {
    expect(PLATFORM_MAX_POSITION_FRACTION).toBe(PLATFORM_RISK_LIMITS.maxPositionFraction);
    expect(PLATFORM_MIN_CONFIDENCE).toBe(PLATFORM_RISK_LIMITS.minConfidence);
    expect(PLATFORM_HALT_DRAWDOWN).toBe(PLATFORM_RISK_LIMITS.breakerHaltedAt);
    expect(PLATFORM_MAX_CORRELATED_EXPOSURE).toBe(PLATFORM_RISK_LIMITS.maxCorrelatedExposureFraction);
    expect(PLATFORM_MAX_VAR95).toBe(PLATFORM_RISK_LIMITS.maxVar95Fraction);
    expect(PLATFORM_MAX_STOP_LOSS).toBe(PLATFORM_RISK_LIMITS.maxStopLossFraction);
  });

  it('the defaults and every configuration the API accepts build a risk manager with those limits', () => {
    const defaults = RiskLimits.parse({});
    expect(() => new RiskManager({ bot: botRiskConfig(defaults) })).not.toThrow();
    fc.assert(
      fc.property(
        fc.record({
          maxPositionFraction: fraction(PLATFORM_MAX_POSITION_FRACTION),
          minConfidence: fc.double({ min: PLATFORM_MIN_CONFIDENCE, max: 1, noNaN: true }),
          maxCorrelatedExposure: fraction(PLATFORM_MAX_CORRELATED_EXPOSURE),
          maxVar95: fraction(PLATFORM_MAX_VAR95),
          stopLossFraction: fraction(PLATFORM_MAX_STOP_LOSS),
          takeProfitFraction: fc.option(fc.double({ min: 1e-6, max: 5, noNaN: true }), { nil: null }),
          trailingStopFraction: fc.option(fraction(0.5), { nil: null }),
          onHalt: fc.constantFrom('close' as const, 'hold' as const),
        }),
        (input) => {
          const limits = RiskLimits.safeParse(input);
          if (!limits.success) return; // the API refuses it: nothing to start
          const manager = new RiskManager({ bot: botRiskConfig(limits.data) });
          expect(manager.config.maxPositionFraction).toBe(limits.data.maxPositionFraction);
          expect(manager.config.minConfidence).toBe(limits.data.minConfidence);
          expect(manager.config.maxVar95Fraction).toBe(limits.data.maxVar95);
          expect(manager.config.stopLossFraction).toBe(limits.data.stopLossFraction);
          expect(manager.config.onHalt).toBe(limits.data.onHalt === 'close' ? 'flatten' : 'hold');
        },
      ),
    );
  });
});
