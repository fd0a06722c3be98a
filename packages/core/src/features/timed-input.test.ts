import { describe, expect, it } from 'vitest';
import { TimedInput } from './timed-input.ts';

const MAX_AGE_MS = 60_000;

describe('TimedInput', () => {
  it('reads a value only from its time up to maxAgeMs later; never before (future) nor after (stale)', () => {
    const input = new TimedInput(2, MAX_AGE_MS);
    input.set(1, 0.4, 1_000_000);
    expect(input.read(1, 1_000_000)).toBe(0.4);
    expect(input.read(1, 1_000_000 + MAX_AGE_MS)).toBe(0.4);
    expect(input.read(1, 1_000_000 + MAX_AGE_MS + 1)).toBeNaN();
    expect(input.read(1, 999_999)).toBeNaN();
    expect(input.read(0, 1_000_000)).toBeNaN();
  });

  it('clears on a non-finite value and rejects a bad symbol index or time', () => {
    const input = new TimedInput(1, MAX_AGE_MS);
    input.set(0, 0.4, 0);
    input.set(0, Number.NaN, 0);
    expect(input.read(0, 0)).toBeNaN();
    expect(() => input.set(1, 0.1, 0)).toThrow(RangeError);
    expect(() => input.set(0, 0.1, Number.NaN)).toThrow(RangeError);
  });
});
