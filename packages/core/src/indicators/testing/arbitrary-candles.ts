/**
 * fast-check generators of candle series for the indicators' property tests: a geometric random walk from
 * 100 with wicks. By default spiced with flat candles (no change, no range, no volume) so that every zero
 * branch of the indicators (0 range, 0 gain + loss, 0 deviation) is exercised; `movingMarket` leaves them
 * out for the warm-up contract of ratio indicators (RSI, ADX), which a long flat stretch suspends: their
 * numerator and denominator then decay together and the seed's share of the ratio stops shrinking.
 */
import fc from 'fast-check';
import { allocateSeries, type CandleSeries } from '../../market/types.ts';

const START_PRICE = 100;
const MAX_LOG_RETURN = 0.05;
const MAX_WICK_RATIO = 0.02;
const MAX_VOLUME = 1000;
/** Smallest |log return| of a moving market: a 0.01% move. */
const MIN_MOVING_LOG_RETURN = 1e-4;

interface CandleStep {
  logReturn: number;
  upperWick: number;
  lowerWick: number;
  volume: number;
}

const candleStep: fc.Arbitrary<CandleStep> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ logReturn: 0, upperWick: 0, lowerWick: 0, volume: 0 }) },
  {
    weight: 6,
    arbitrary: fc.record({
      logReturn: fc.oneof(fc.constant(0), fc.double({ min: -MAX_LOG_RETURN, max: MAX_LOG_RETURN, noNaN: true })),
      upperWick: fc.double({ min: 0, max: MAX_WICK_RATIO, noNaN: true }),
      lowerWick: fc.double({ min: 0, max: MAX_WICK_RATIO, noNaN: true }),
      volume: fc.double({ min: 0, max: MAX_VOLUME, noNaN: true }),
    }),
  },
);

export function seriesFromSteps(steps: readonly CandleStep[]): CandleSeries {
  const series = allocateSeries('RANDOM', steps.length);
  let close = START_PRICE;
  steps.forEach((step, index) => {
    const open = close;
    close = open * Math.exp(step.logReturn);
    series.time[index] = index;
    series.open[index] = open;
    series.close[index] = close;
    series.high[index] = Math.max(open, close) * (1 + step.upperWick);
    series.low[index] = Math.min(open, close) * (1 - step.lowerWick);
    series.volume[index] = step.volume;
  });
  return series;
}

const movingStep: fc.Arbitrary<CandleStep> = fc.record({
  logReturn: fc
    .tuple(fc.boolean(), fc.double({ min: MIN_MOVING_LOG_RETURN, max: MAX_LOG_RETURN, noNaN: true }))
    .map(([down, size]) => (down ? -size : size)),
  upperWick: fc.double({ min: 0, max: MAX_WICK_RATIO, noNaN: true }),
  lowerWick: fc.double({ min: 0, max: MAX_WICK_RATIO, noNaN: true }),
  volume: fc.double({ min: 1, max: MAX_VOLUME, noNaN: true }),
});

export interface ArbitraryCandlesOptions {
  /** Every close moves by at least 0.01% and every candle trades (no flat candles); default false. */
  movingMarket?: boolean;
}

/** Random candle series with between minLength and maxLength candles. */
export function arbitraryCandles(
  minLength: number,
  maxLength: number,
  options: ArbitraryCandlesOptions = {},
): fc.Arbitrary<CandleSeries> {
  const step = options.movingMarket ? movingStep : candleStep;
  return fc.array(step, { minLength, maxLength }).map(seriesFromSteps);
}

/** Random prices (closes of arbitraryCandles). */
export function arbitraryCloses(
  minLength: number,
  maxLength: number,
  options: ArbitraryCandlesOptions = {},
): fc.Arbitrary<Float64Array> {
  return arbitraryCandles(minLength, maxLength, options).map((series) => series.close);
}
