import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RolloutBuffer } from './rollout-buffer.ts';

/** GAE by its definition: Aₜ = Σₗ (γλ)ˡ δₜ₊ₗ up to the episode's end. */
function gaeByDefinition(
  rewards: number[],
  values: number[],
  ends: boolean[],
  nextValue: number,
  discount: number,
  lambda: number,
): number[] {
  const n = rewards.length;
  const valueAfter = (t: number) => (ends[t] ? 0 : t + 1 < n ? (values[t + 1] as number) : nextValue);
  const delta = (t: number) => (rewards[t] as number) + discount * valueAfter(t) - (values[t] as number);
  return rewards.map((_, t) => {
    let sum = 0;
    let weight = 1;
    for (let l = t; l < n; l++) {
      sum += weight * delta(l);
      if (ends[l]) break;
      weight *= discount * lambda;
    }
    return sum;
  });
}

describe('RolloutBuffer GAE', () => {
  it('equals the definition Σ (γλ)ˡ δ, cut at episode ends, and returns = advantages + values', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            reward: fc.double({ min: -5, max: 5, noNaN: true }),
            value: fc.double({ min: -5, max: 5, noNaN: true }),
            end: fc.boolean(),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (steps, nextValue) => {
          const buffer = new RolloutBuffer(steps.length, 1);
          const observation = new Float32Array(1);
          for (const step of steps) {
            buffer.add(observation, 0, 0, step.value, step.reward);
            if (step.end) buffer.endEpisode(0.99, 0);
          }
          buffer.computeAdvantages(0.99, 0.95, nextValue);
          const expected = gaeByDefinition(
            steps.map((s) => Math.fround(s.reward)),
            steps.map((s) => Math.fround(s.value)),
            steps.map((s) => s.end),
            nextValue,
            0.99,
            0.95,
          );
          expected.forEach((advantage, t) => {
            expect(buffer.advantages[t]).toBeCloseTo(advantage, 3);
            expect(buffer.returns[t]).toBeCloseTo(advantage + Math.fround((steps[t] as { value: number }).value), 3);
          });
        },
      ),
    );
  });

  it('bootstraps a time-limited episode end: its reward gains γ·V(final state)', () => {
    const buffer = new RolloutBuffer(1, 1);
    buffer.add(new Float32Array(1), 0, 0, 0, 1);
    buffer.endEpisode(0.9, 2);
    expect(buffer.rewards[0]).toBeCloseTo(1 + 0.9 * 2, 6);
  });
});
