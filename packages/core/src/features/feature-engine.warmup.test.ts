/**
 * The warm-up contract: started at any candle, the engine agrees (within 1e-6) with the engine that saw the
 * whole history from `warmupCandles` candles after that start on — and each feature already from its own
 * entry of `featureWarmups`, the numbers README.md lists.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import { type CandleSeries, sliceSeries } from '../market/types.ts';
import { computeFeatures, type FeatureMatrix } from './compute-features.ts';
import type { FeatureEngine } from './feature-engine.ts';
import { FEATURE_NAMES } from './feature-names.ts';

const TOLERANCE = 1e-6;
/** Candles compared after the warm-up of each late start. */
const COMPARED = 1500;
const STARTS = 8;

/** The candles of `series` with time in [from, to]. */
function timeRange(series: CandleSeries, from: number, to: number): CandleSeries {
  let start = 0;
  while (start < series.length && (series.time[start] as number) < from) start++;
  let end = start;
  while (end < series.length && (series.time[end] as number) <= to) end++;
  return sliceSeries(series, start, end);
}

/** The first (feature, candle) where the late start still disagrees after that feature's warm-up, or null. */
function firstDisagreement(
  late: FeatureMatrix,
  full: FeatureMatrix,
  fullOffset: number,
  warmups: readonly number[],
): string | null {
  const rows = late.values.length / late.width;
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < late.width; k++) {
      if (i < (warmups[k] as number)) continue;
      const lateValue = late.values[i * late.width + k] as number;
      const fullValue = full.values[(i + fullOffset) * full.width + k] as number;
      if (!(Math.abs(lateValue - fullValue) <= TOLERANCE)) {
        return `${late.symbol} ${FEATURE_NAMES[k]} at candle ${i} after the start: ${lateValue} vs ${fullValue}`;
      }
    }
  }
  return null;
}

describe.skipIf(!hasSharedData())('FeatureEngine warm-up contract', () => {
  let eth: CandleSeries;
  let btc: CandleSeries;
  let engine: FeatureEngine;
  let full: FeatureMatrix[];
  let warmups: number[];
  let overall: number[];
  beforeAll(() => {
    eth = loadCandlesCsv(dataFile('ETH-USDT_1h.csv'));
    btc = loadCandlesCsv(dataFile('BTC-USDT_1h.csv'));
    ({ engine, matrices: full } = computeFeatures([eth, btc]));
    warmups = FEATURE_NAMES.map((name) => engine.featureWarmups[name]);
    overall = FEATURE_NAMES.map(() => engine.warmupCandles);
  });

  it('agrees with the full history from any start, after warmupCandles and after each feature’s own warm-up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: eth.length - engine.warmupCandles - COMPARED - 1 }), (start) => {
        const from = eth.time[start] as number;
        const to = eth.time[start + engine.warmupCandles + COMPARED] as number;
        const late = computeFeatures([timeRange(eth, from, to), timeRange(btc, from, to)]).matrices;
        late.forEach((matrix, s) => {
          const fullMatrix = full[s] as FeatureMatrix;
          const offset = (s === 0 ? eth : btc).time.indexOf(from);
          expect(firstDisagreement(matrix, fullMatrix, offset, overall)).toBeNull();
          expect(firstDisagreement(matrix, fullMatrix, offset, warmups)).toBeNull();
        });
      }),
      { numRuns: STARTS },
    );
  });

  it('still agrees at the end of the data: rounding does not build up over 69 000 candles', () => {
    const start = 1000;
    const late = computeFeatures([sliceSeries(eth, start, eth.length), sliceSeries(btc, start, btc.length)]).matrices;
    late.forEach((matrix, s) => {
      expect(firstDisagreement(matrix, full[s] as FeatureMatrix, start, overall)).toBeNull();
    });
  });
});
