import { describe, expect, it } from 'vitest';
import { DecisionClock } from './decision-clock.ts';

const HOUR = 3_600_000;

describe('DecisionClock', () => {
  it('adds the given candle length', () => {
    const clock = new DecisionClock(1, HOUR);
    expect(clock.closeTime(0, 5 * HOUR)).toBe(6 * HOUR);
  });

  it('infers the length per symbol as the smallest step seen, the open until a second candle', () => {
    const clock = new DecisionClock(2, Number.NaN);
    expect(clock.closeTime(0, 0)).toBe(0);
    expect(clock.closeTime(0, 3 * HOUR)).toBe(6 * HOUR);
    expect(clock.closeTime(0, 4 * HOUR)).toBe(5 * HOUR);
    expect(clock.closeTime(0, 10 * HOUR)).toBe(11 * HOUR);
    expect(clock.closeTime(1, 10 * HOUR)).toBe(10 * HOUR);
  });
});
