/**
 * No look-ahead: the vector of a candle depends only on what was fed before it. Cutting the data after that
 * candle (in both symbols of an interleaved run) must leave the vector exactly — bit for bit — as it was.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { checkLookahead } from '../bias/lookahead.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import { type CandleSeries, sliceSeries } from '../market/types.ts';
import { smaCross } from '../strategy/sma-cross.ts';
import { computeFeatures, type FeatureMatrix } from './compute-features.ts';
import { FeatureEngine } from './feature-engine.ts';

/** Enough candles for every feature to pass its warm-up several times over, few enough to rerun 20 times. */
const CANDLES = 4000;
const CUTS = 20;

/** The candles of `series` whose time is at most `time` (or below it, when `inclusive` is false). */
function cutAt(series: CandleSeries, time: number, inclusive = true): CandleSeries {
  let end = 0;
  while (end < series.length && ((series.time[end] as number) < time || (inclusive && series.time[end] === time)))
    end++;
  return sliceSeries(series, 0, end);
}

function row(matrix: FeatureMatrix, index: number): number[] {
  return Array.from(matrix.values.subarray(index * matrix.width, (index + 1) * matrix.width));
}

describe.skipIf(!hasSharedData())('FeatureEngine has no look-ahead', () => {
  let eth: CandleSeries;
  let btc: CandleSeries;
  beforeAll(() => {
    eth = sliceSeries(loadCandlesCsv(dataFile('ETH-USDT_1h.csv')), 0, CANDLES);
    btc = sliceSeries(loadCandlesCsv(dataFile('BTC-USDT_1h.csv')), 0, CANDLES);
  });

  for (const ethFirst of [true, false]) {
    it(`${ethFirst ? 'ETH then BTC' : 'BTC then ETH'}: features at candle i on the series cut after i equal the full run's at i`, () => {
      const order = ethFirst ? [eth, btc] : [btc, eth];
      const full = computeFeatures(order).matrices;
      fc.assert(
        fc.property(fc.integer({ min: 0, max: CANDLES - 1 }), (index) => {
          const time = eth.time[index] as number;
          const cut = computeFeatures(order.map((series) => cutAt(series, time))).matrices;
          cut.forEach((matrix, s) => {
            const last = matrix.values.length / matrix.width - 1;
            expect(row(matrix, last), `${matrix.symbol} at ${time}`).toEqual(row(full[s] as FeatureMatrix, last));
          });
        }),
        { numRuns: CUTS },
      );
    });
  }

  it("ETH fed before BTC: ETH's vector at t ignores BTC's candle t, which it has not seen yet", () => {
    const full = computeFeatures([eth, btc]).matrices[0] as FeatureMatrix;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: CANDLES - 1 }), (index) => {
        const time = eth.time[index] as number;
        const withoutBtcNow = computeFeatures([cutAt(eth, time), cutAt(btc, time, false)]).matrices[0] as FeatureMatrix;
        expect(row(withoutBtcNow, index)).toEqual(row(full, index));
      }),
      { numRuns: CUTS },
    );
  });

  it('passes the backtester-level look-ahead check, which compares the vectors strategies saw', () => {
    const report = checkLookahead([eth, btc], smaCross({ fast: 5, slow: 20 }), {
      cuts: 10,
      createFeatures: (symbols) => new FeatureEngine({ symbols }),
    });
    expect(report.firstDifference).toBeNull();
    expect(report.decisionsCompared).toBeGreaterThan(10_000);
  });
});
