import { describe, expect, it } from 'vitest';
import type { Decision } from '../../strategy/types.ts';
import { agentOutputProblem } from './agent-output.ts';

const decision = (patch: Partial<Decision>): Decision => ({
  action: 'buy',
  targetExposure: 0.5,
  confidence: 0.7,
  reason: 'x',
  ...patch,
});

describe('agent output range', () => {
  it('accepts well-formed decisions', () => {
    expect(agentOutputProblem(decision({}))).toBeNull();
    expect(agentOutputProblem(decision({ action: 'hold', targetExposure: Number.NaN }))).toBeNull();
  });

  it('names what is out of range', () => {
    expect(agentOutputProblem(decision({ confidence: 1.2 }))).toBe('confidence 1.2 is outside [0, 1]');
    expect(agentOutputProblem(decision({ confidence: Number.NaN }))).toBe('confidence NaN is outside [0, 1]');
    expect(agentOutputProblem(decision({ targetExposure: -0.1 }))).toBe('target exposure -0.1 is outside [0, 1]');
    expect(agentOutputProblem(decision({ action: 'short' as Decision['action'] }))).toBe(
      'action "short" is not buy, sell or hold',
    );
  });
});
