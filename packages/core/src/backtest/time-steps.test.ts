import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seriesFromCandles } from '../market/types.ts';
import { countTimeSteps, TimeSteps } from './time-steps.ts';

/** A series with candles at the given open times (ascending); prices do not matter here. */
function seriesAt(symbol: string, times: readonly number[]) {
  return seriesFromCandles(
    symbol,
    times.map((time) => ({ time, open: 1, high: 1, low: 1, close: 1, volume: 1 })),
  );
}

const ascendingTimes = fc
  .uniqueArray(fc.integer({ min: 0, max: 200 }), { maxLength: 40 })
  .map((times) => times.sort((a, b) => a - b));

describe('TimeSteps', () => {
  it('visits every candle once, in time order, with the due series in list order', () => {
    fc.assert(
      fc.property(fc.array(ascendingTimes, { minLength: 1, maxLength: 5 }), (timesPerSeries) => {
        const seriesList = timesPerSeries.map((times, s) => seriesAt(`S${s}`, times));
        const expected = [...new Set(timesPerSeries.flat())].sort((a, b) => a - b);
        const steps = new TimeSteps(seriesList);
        const visited: number[] = [];
        while (steps.next()) {
          visited.push(steps.time);
          const due = Array.from(steps.due.subarray(0, steps.dueCount));
          const having = timesPerSeries.flatMap((times, s) => (times.includes(steps.time) ? [s] : []));
          expect(due).toEqual(having);
          for (const s of due) expect(seriesList[s]?.time[steps.cursor[s] as number]).toBe(steps.time);
          steps.advance();
        }
        expect(visited).toEqual(expected);
        expect(steps.time).toBe(Number.POSITIVE_INFINITY);
        expect(countTimeSteps(seriesList)).toBe(expected.length);
        expect(countTimeSteps(seriesList, 100)).toBe(expected.filter((t) => t < 100).length);
      }),
    );
  });
});
