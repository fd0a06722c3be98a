/**
 * Walk-forward splits: train on a window, test on the window right after it, roll forward by the test length.
 * Test windows never overlap and always lie strictly after their training window, so every reported result is
 * out of sample. `anchored` keeps the training start at 0 (expanding window) instead of rolling it.
 */

export interface WalkForwardSplit {
  /** Candle index ranges, end exclusive. */
  trainStart: number;
  trainEnd: number;
  testStart: number;
  testEnd: number;
}

export interface WalkForwardOptions {
  trainCandles: number;
  testCandles: number;
  /** Expanding training window from the first candle; default false (rolling window of trainCandles). */
  anchored?: boolean;
}

export class WalkForwardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WalkForwardError';
  }
}

export function walkForwardSplits(totalCandles: number, options: WalkForwardOptions): WalkForwardSplit[] {
  const { trainCandles, testCandles, anchored = false } = options;
  if (!(Number.isInteger(trainCandles) && trainCandles > 0 && Number.isInteger(testCandles) && testCandles > 0)) {
    throw new WalkForwardError('train and test windows must be positive whole numbers of candles');
  }
  if (trainCandles + testCandles > totalCandles) {
    throw new WalkForwardError(
      `${totalCandles} candles are too few for one split of ${trainCandles} train + ${testCandles} test candles`,
    );
  }
  const splits: WalkForwardSplit[] = [];
  for (let testStart = trainCandles; testStart + testCandles <= totalCandles; testStart += testCandles) {
    splits.push({
      trainStart: anchored ? 0 : testStart - trainCandles,
      trainEnd: testStart,
      testStart,
      testEnd: testStart + testCandles,
    });
  }
  return splits;
}
