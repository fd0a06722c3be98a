/**
 * The feature vectors of real data, pinned to the last bit (hashed): the seven hourly markets fed interleaved by
 * time as the backtester feeds them (so the BTC correlation pairs), then BTC 1m alone. Speed work on the features
 * and indicators must leave them unchanged; a change meant to alter a feature updates the digest and says why.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import type { CandleSeries } from '../market/types.ts';
import { FeatureEngine } from './feature-engine.ts';

const HOURLY_FILES = ['BTC', 'ETH', 'SOL', 'BNB', 'XRP', 'ADA', 'LTC'].map((coin) => `${coin}-USDT_1h.csv`);

/** Feeds every candle of `seriesList` in time order (symbols in list order on ties) to `onCandle`. */
function feedInterleaved(seriesList: readonly CandleSeries[], onCandle: (s: number, index: number) => void): void {
  const cursor = seriesList.map(() => 0);
  for (;;) {
    let time = Number.POSITIVE_INFINITY;
    seriesList.forEach((series, s) => {
      const i = cursor[s] as number;
      if (i < series.length) time = Math.min(time, series.time[i] as number);
    });
    if (time === Number.POSITIVE_INFINITY) return;
    seriesList.forEach((series, s) => {
      const i = cursor[s] as number;
      if (i < series.length && series.time[i] === time) {
        onCandle(s, i);
        cursor[s] = i + 1;
      }
    });
  }
}

/**
 * The hash of every vector of the run: the engines fed candle by candle, or told first that the series are final
 * history (replayHistory), which computes each symbol's candle-derived columns a block of candles at a time.
 */
function digestOfRun(replay: boolean): string {
  const hash = createHash('sha256');
  const hashVector = (vector: Float32Array) =>
    hash.update(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
  const hourly = HOURLY_FILES.map((file) => loadCandlesCsv(dataFile(file)));
  const engine = new FeatureEngine({ symbols: hourly.map((s) => s.symbol) });
  if (replay) engine.replayHistory(hourly);
  feedInterleaved(hourly, (s, i) => hashVector(engine.update(s, hourly[s] as CandleSeries, i)));
  const minutes = loadCandlesCsv(dataFile('BTC-USDT_1m.csv'));
  const minuteEngine = new FeatureEngine({ symbols: [minutes.symbol] });
  if (replay) minuteEngine.replayHistory([minutes]);
  for (let i = 0; i < minutes.length; i++) hashVector(minuteEngine.update(0, minutes, i));
  return hash.digest('hex');
}

const DIGEST = '4598209bf3e9ad5eab573fd49e1aea0f4a2352194751d3d44bd3571ea992f437';

describe.skipIf(!hasSharedData())('feature vectors on real data (digest)', () => {
  it('are unchanged for the hourly markets interleaved and BTC 1m', () => {
    expect(digestOfRun(false)).toBe(DIGEST);
  });

  it('are the same, bit for bit, when the series are replayed as final history', () => {
    expect(digestOfRun(true)).toBe(DIGEST);
  });
});
