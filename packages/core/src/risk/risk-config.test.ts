import { describe, expect, it } from 'vitest';
import { RiskConfigError } from './errors.ts';
import { NO_PLATFORM_LIMITS, PLATFORM_RISK_LIMITS, resolveRiskConfig } from './risk-config.ts';

describe('risk configuration', () => {
  it('defaults to the platform limits and the documented bot defaults', () => {
    const config = resolveRiskConfig();
    expect(config).toMatchObject({
      maxPositionFraction: 0.1,
      maxCorrelatedExposureFraction: 0.1,
      correlationThreshold: 0.7,
      minConfidence: 0.6,
      kellyMultiplier: 0.5,
      maxVar95Fraction: 0.03,
      maxVar99Fraction: 0.05,
      stopLossFraction: 0.05,
      takeProfitFraction: 0.1,
      trailingStopFraction: null,
      onHalt: 'flatten',
      windowCandles: 500,
    });
    expect(config.breaker).toMatchObject({ reducedAt: 0.05, conservativeAt: 0.1, haltedAt: 0.15 });
    expect(config.anomalies.pauseOn).toEqual(['agent-output']);
  });

  it('lets a bot tighten every platform cap', () => {
    const config = resolveRiskConfig(PLATFORM_RISK_LIMITS, {
      maxPositionFraction: 0.05,
      minConfidence: 0.75,
      correlationThreshold: 0.5,
      breakerHaltedAt: 0.12,
      stopLossFraction: 0.02,
    });
    expect(config).toMatchObject({
      maxPositionFraction: 0.05,
      minConfidence: 0.75,
      correlationThreshold: 0.5,
      stopLossFraction: 0.02,
    });
    expect(config.breaker.haltedAt).toBe(0.12);
  });

  it('refuses a bot setting looser than the platform, naming it', () => {
    const loosen = (bot: Parameters<typeof resolveRiskConfig>[1]) => () => resolveRiskConfig(PLATFORM_RISK_LIMITS, bot);
    expect(loosen({ maxPositionFraction: 0.2 })).toThrow(
      new RiskConfigError('maxPositionFraction', '0.2 is above the platform cap 0.1'),
    );
    expect(loosen({ maxVar99Fraction: null })).toThrow('a bot cannot remove it');
    expect(loosen({ minConfidence: 0.5 })).toThrow("0.5 is below the platform's 0.6");
    expect(loosen({ correlationThreshold: 0.9 })).toThrow('correlationThreshold');
    expect(loosen({ breakerHaltedAt: 0.2 })).toThrow('breakerHaltedAt');
    expect(loosen({ stopLossFraction: null })).toThrow('maxStopLossFraction');
    expect(loosen({ stopLossFraction: 0.3 })).toThrow('above the platform cap 0.25');
  });

  it('refuses values out of range', () => {
    expect(() => resolveRiskConfig(NO_PLATFORM_LIMITS, { maxPositionFraction: 1.5 })).toThrow(RiskConfigError);
    expect(() => resolveRiskConfig(NO_PLATFORM_LIMITS, { windowCandles: 1 })).toThrow('windowCandles');
    expect(() => resolveRiskConfig(NO_PLATFORM_LIMITS, { breakerReducedAt: 0.2, breakerConservativeAt: 0.1 })).toThrow(
      'thresholds must rise',
    );
    expect(() => resolveRiskConfig(NO_PLATFORM_LIMITS, { anomalies: { pauseOn: ['solar-flare' as never] } })).toThrow(
      'unknown anomaly solar-flare',
    );
    expect(() => resolveRiskConfig({ ...PLATFORM_RISK_LIMITS, maxPositionFraction: Number.NaN })).toThrow('platform.');
  });

  it('lets a bot on a platform without limits choose its own or none', () => {
    const config = resolveRiskConfig(NO_PLATFORM_LIMITS, { maxPositionFraction: 0.5, stopLossFraction: null });
    expect(config.maxPositionFraction).toBe(0.5);
    expect(config.maxVar95Fraction).toBeNull();
    expect(config.stopLossFraction).toBeNull();
  });
});
