import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WalkForwardError, walkForwardSplits } from './walk-forward.ts';

describe('walkForwardSplits', () => {
  it('rolls train and test windows forward by the test length', () => {
    expect(walkForwardSplits(10, { trainCandles: 4, testCandles: 3 })).toEqual([
      { trainStart: 0, trainEnd: 4, testStart: 4, testEnd: 7 },
      { trainStart: 3, trainEnd: 7, testStart: 7, testEnd: 10 },
    ]);
    expect(walkForwardSplits(10, { trainCandles: 4, testCandles: 3, anchored: true })[1]?.trainStart).toBe(0);
  });

  it('never lets a test window overlap its training data or another test window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        (total, train, test) => {
          fc.pre(train + test <= total);
          const splits = walkForwardSplits(total, { trainCandles: train, testCandles: test });
          expect(splits.length).toBe(Math.floor((total - train) / test));
          splits.forEach((s, i) => {
            expect(s.trainEnd).toBeLessThanOrEqual(s.testStart);
            expect(s.testEnd).toBeLessThanOrEqual(total);
            if (i > 0) expect(s.testStart).toBe(splits[i - 1]?.testEnd);
          });
        },
      ),
    );
  });

  it('explains impossible windows', () => {
    expect(() => walkForwardSplits(5, { trainCandles: 4, testCandles: 3 })).toThrow(WalkForwardError);
    expect(() => walkForwardSplits(50, { trainCandles: 0, testCandles: 3 })).toThrow('positive whole numbers');
  });
});
