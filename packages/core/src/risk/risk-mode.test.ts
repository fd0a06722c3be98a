import { describe, expect, it } from 'vitest';
import { riskModeFor } from './risk-mode.ts';

describe('risk mode', () => {
  it('says what each breaker state allows, and nothing when stopped', () => {
    expect(riskModeFor('ACTIVE', false)).toEqual({
      breaker: 'ACTIVE',
      allowedAgents: 'any',
      sizeMultiplier: 1,
      reducingOnly: false,
    });
    expect(riskModeFor('REDUCED', false)).toMatchObject({
      allowedAgents: 'any',
      sizeMultiplier: 0.5,
      reducingOnly: false,
    });
    expect(riskModeFor('CONSERVATIVE', false)).toMatchObject({ allowedAgents: 'conservative', reducingOnly: true });
    expect(riskModeFor('HALTED', false)).toMatchObject({
      allowedAgents: 'none',
      sizeMultiplier: 0,
      reducingOnly: true,
    });
    expect(riskModeFor('ACTIVE', true)).toMatchObject({ breaker: 'ACTIVE', allowedAgents: 'none', reducingOnly: true });
    expect(riskModeFor('REDUCED', false)).toBe(riskModeFor('REDUCED', false));
    expect(Object.isFrozen(riskModeFor('ACTIVE', false))).toBe(true);
  });
});
