import { describe, expect, it } from 'vitest';
import { DecisionClock } from './decision-clock.ts';

const HOUR = 3_600_000;

/** Feeds one candle time to the clock and returns that candle's close. */
function closeOf(clock: DecisionClock, symbolIndex: number, openTime: number): number {
  clock.observe(symbolIndex, Float64Array.of(openTime), 0);
  return clock.closeTime(symbolIndex, openTime);
}

describe('DecisionClock', () => {
  it('adds the given candle length', () => {
    const clock = new DecisionClock(1, HOUR);
    expect(closeOf(clock, 0, 5 * HOUR)).toBe(6 * HOUR);
  });

  it('infers the length per symbol as the smallest step seen, the open until a second candle', () => {
    const clock = new DecisionClock(2, Number.NaN);
    expect(closeOf(clock, 0, 0)).toBe(0);
    expect(closeOf(clock, 0, 3 * HOUR)).toBe(6 * HOUR);
    expect(closeOf(clock, 0, 4 * HOUR)).toBe(5 * HOUR);
    expect(closeOf(clock, 0, 10 * HOUR)).toBe(11 * HOUR);
    expect(closeOf(clock, 1, 10 * HOUR)).toBe(10 * HOUR);
  });

  it('reads the candle time from its column', () => {
    const clock = new DecisionClock(1, Number.NaN);
    const openTimes = Float64Array.of(0, HOUR, 2 * HOUR);
    for (let index = 0; index < openTimes.length; index++) clock.observe(0, openTimes, index);
    expect(clock.closeTime(0, 2 * HOUR)).toBe(3 * HOUR);
  });
});
