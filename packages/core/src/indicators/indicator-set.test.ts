import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CandleSeries, candleAt, sliceSeries } from '../market/types.ts';
import { computeIndicatorSet, INDICATOR_NAMES, StreamingIndicatorSet } from './indicator-set.ts';
import { arbitraryCandles } from './testing/arbitrary-candles.ts';
import { firstHistoryDisagreement, leadingNaNs } from './testing/history-independence.ts';

/** TA-Lib's lookbacks for these parameters (the *_Lookback functions of ta_func). */
const TA_LIB_LOOKBACKS = {
  SMA_20: 19,
  EMA_12: 11,
  EMA_26: 25,
  RSI_14: 14,
  MACD_12_26_9: 33,
  MACDSIGNAL_12_26_9: 33,
  MACDHIST_12_26_9: 33,
  BBUPPER_20_2: 19,
  BBMIDDLE_20_2: 19,
  BBLOWER_20_2: 19,
  ATR_14: 14,
  STOCHK_14_3_3: 17,
  STOCHD_14_3_3: 17,
  ADX_14: 27,
  OBV: 0,
  MFI_14: 14,
  CCI_20: 19,
  WILLR_14: 13,
  ROC_10: 10,
};

/** Windowed outputs warm up with their lookback; recursive ones add seed-decay.ts's bounds. */
const WARMUPS = {
  ...TA_LIB_LOOKBACKS,
  EMA_12: 11 + 138,
  EMA_26: 25 + 300,
  RSI_14: 14 + 311,
  MACD_12_26_9: 33 + 300 + 104,
  MACDSIGNAL_12_26_9: 33 + 300 + 104,
  MACDHIST_12_26_9: 33 + 300 + 104,
  ATR_14: 14 + 311,
  ADX_14: 27 + 2 * 311,
  OBV: Number.POSITIVE_INFINITY,
};

/** Agreement is relative to the random walk's price level (100), which is also the oscillators' full range. */
const VALUE_SCALE = 100;

describe('StreamingIndicatorSet', () => {
  it('has exactly the 19 named outputs with their TA-Lib lookbacks and declared warmups', () => {
    const set = new StreamingIndicatorSet();
    expect(set.names).toEqual(Object.keys(TA_LIB_LOOKBACKS));
    expect(set.lookbacks).toEqual(TA_LIB_LOOKBACKS);
    expect(set.warmups).toEqual(WARMUPS);
    expect(Array.from(set.values).every(Number.isNaN)).toBe(true);
  });

  it('starts each output after exactly `lookback` NaNs', () => {
    const [series] = fc.sample(arbitraryCandles(60, 60, { movingMarket: true }), { numRuns: 1, seed: 3 });
    const columns = computeIndicatorSet(series as CandleSeries);
    for (const name of INDICATOR_NAMES)
      expect([name, leadingNaNs(columns.get(name) as Float64Array)]).toEqual([name, TA_LIB_LOOKBACKS[name]]);
  });

  it('gives the same values from candle objects, from a columnar series, and after a reset', () => {
    fc.assert(
      fc.property(arbitraryCandles(0, 80), (series) => {
        const columnar = new StreamingIndicatorSet();
        const objects = new StreamingIndicatorSet();
        for (let index = 0; index < series.length; index++) {
          expect(objects.update(candleAt(series, index))).toEqual(columnar.updateAt(series, index));
          expect(objects.value('RSI_14')).toEqual(columnar.values[3]);
        }
        columnar.reset();
        expect(Array.from(columnar.values).every(Number.isNaN)).toBe(true);
        const again = computeIndicatorSet(series);
        for (let index = 0; index < series.length; index++) columnar.updateAt(series, index);
        INDICATOR_NAMES.forEach((name, at) => {
          if (series.length > 0) expect(columnar.values[at]).toEqual(again.get(name)?.[series.length - 1]);
        });
      }),
      { numRuns: 30 },
    );
  });

  it('no longer depends on older history after each output’s warmup (moving market)', () => {
    const set = new StreamingIndicatorSet();
    fc.assert(
      fc.property(
        arbitraryCandles(800, 900, { movingMarket: true }),
        fc.integer({ min: 1, max: 100 }),
        (series, start) => {
          const full = computeIndicatorSet(series);
          const fromStart = computeIndicatorSet(sliceSeries(series, start, series.length));
          for (const name of INDICATOR_NAMES) {
            if (!Number.isFinite(set.warmups[name])) continue;
            const disagreement = firstHistoryDisagreement(
              full.get(name) as Float64Array,
              fromStart.get(name) as Float64Array,
              start,
              set.warmups[name],
              VALUE_SCALE,
            );
            expect([name, disagreement]).toEqual([name, undefined]);
          }
        },
      ),
      { numRuns: 10 },
    );
  });
});
