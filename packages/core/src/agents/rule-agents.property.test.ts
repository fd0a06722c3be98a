/** Every rule agent, on any feature vector: a well-formed decision that the risk stage's agent-output check accepts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES } from '../features/feature-names.ts';
import { agentOutputProblem } from '../risk/anomalies/agent-output.ts';
import { createRuleAgent } from './rule-agents.ts';
import { anyFeatureVector, contextWith, emptyDecision } from './testing/feature-vectors.ts';
import { RULE_AGENT_NAMES } from './types.ts';

describe.each(RULE_AGENT_NAMES)('%s agent on any feature vector', (name) => {
  it('keeps confidence in [0, 1], a buy or sell target in [0, 1], and finite explanations', () => {
    const agent = createRuleAgent(name, ['A', 'B'], { warmupCandles: 0 });
    const out = emptyDecision();
    const contributions = new Float32Array(FEATURE_NAMES.length);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(anyFeatureVector, fc.integer({ min: 0, max: 1 })), { minLength: 1, maxLength: 8 }),
        (steps) => {
          for (const [features, symbolIndex] of steps) {
            agent.onCandle(contextWith(features, symbolIndex), out);
            expect(agentOutputProblem(out)).toBeNull();
            expect(out.confidence).toBeGreaterThanOrEqual(0);
            expect(out.confidence).toBeLessThanOrEqual(1);
            if (out.action !== 'hold') expect(out.targetExposure).toBeGreaterThanOrEqual(0);
            if (out.action !== 'hold') expect(out.targetExposure).toBeLessThanOrEqual(1);
            if (out.action === 'buy') expect(out.confidence).toBeGreaterThanOrEqual(0.5);
            agent.explain(contributions);
            expect(contributions.every(Number.isFinite)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
