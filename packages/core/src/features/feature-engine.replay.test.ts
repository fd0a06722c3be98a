/**
 * FeatureEngine.replayHistory: over final history the engine computes a symbol's candle-derived columns a block of
 * candles ahead (FeatureRows). Every vector must be the one candle-by-candle feeding gives, bit for bit, and a
 * caller that breaks the promise (feeds another series, or skips a candle) must get an error, not wrong vectors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CandleSeries, seriesFromCandles, sliceSeries } from '../market/types.ts';
import { FeatureEngine } from './feature-engine.ts';
import { FeatureRowsError } from './feature-rows.ts';
import { SMALL_WINDOWS } from './testing/small-windows.ts';

const HOUR = 3_600_000;

/** Hourly candles from log-price moves (some 0), with wicks and volumes (some 0), starting at `time0`. */
function generatedSeries(symbol: string, moves: readonly number[], time0 = 0): CandleSeries {
  let close = 100;
  return seriesFromCandles(
    symbol,
    moves.map((move, i) => {
      const open = close;
      close = open * Math.exp(move);
      return {
        time: time0 + i * HOUR,
        open,
        high: Math.max(open, close) * (1 + Math.abs(move) / 2),
        low: Math.min(open, close) / (1 + Math.abs(move) / 3),
        close,
        volume: i % 7 === 3 ? 0 : 10 + 1000 * Math.abs(move),
      };
    }),
  );
}

/** Every vector of an interleaved run (the second series may start later), as raw bytes in feeding order. */
function vectorsOfRun(seriesList: readonly CandleSeries[], replay: boolean): Uint8Array[] {
  const engine = new FeatureEngine({ ...SMALL_WINDOWS, symbols: seriesList.map((s) => s.symbol) });
  if (replay) engine.replayHistory(seriesList);
  const vectors: Uint8Array[] = [];
  const cursors = seriesList.map(() => 0);
  for (;;) {
    let time = Number.POSITIVE_INFINITY;
    seriesList.forEach((series, s) => {
      const i = cursors[s] as number;
      if (i < series.length) time = Math.min(time, series.time[i] as number);
    });
    if (time === Number.POSITIVE_INFINITY) return vectors;
    seriesList.forEach((series, s) => {
      const i = cursors[s] as number;
      if (i >= series.length || series.time[i] !== time) return;
      // Optional data set mid-run: its columns follow the calls, not the blocks computed ahead.
      if (i === 40) engine.setOrderBookImbalance(s, 0.25, time);
      const vector = engine.update(s, series, i);
      vectors.push(new Uint8Array(vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength)));
      cursors[s] = i + 1;
    });
  }
}

const moves = fc.array(fc.oneof(fc.constant(0), fc.double({ min: -0.2, max: 0.2, noNaN: true })), {
  minLength: 1,
  maxLength: 400,
});

describe('FeatureEngine over replayed history', () => {
  it('gives every vector bit for bit as candle-by-candle feeding does, whatever the lengths and offsets', () => {
    fc.assert(
      fc.property(moves, moves, fc.integer({ min: 0, max: 150 }), (btcMoves, ethMoves, ethStart) => {
        const seriesList = [
          generatedSeries('BTC-USDT', btcMoves),
          generatedSeries('ETH-USDT', ethMoves, ethStart * HOUR),
        ];
        expect(vectorsOfRun(seriesList, true)).toEqual(vectorsOfRun(seriesList, false));
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a candle of another series, or a skipped candle, while candles computed ahead wait', () => {
    const btc = generatedSeries(
      'BTC-USDT',
      Array.from({ length: 300 }, (_, i) => 0.01 * Math.sin(i)),
    );
    const engine = new FeatureEngine({ symbols: ['BTC-USDT'] });
    engine.replayHistory([btc]);
    engine.update(0, btc, 0);
    expect(() => engine.update(0, sliceSeries(btc, 0, 300), 1)).toThrow(FeatureRowsError);
    expect(() => engine.update(0, btc, 2)).toThrow(FeatureRowsError);
    expect(() => engine.update(0, btc, 1)).not.toThrow();
  });

  it('feeds candle by candle a series whose symbol is not the engine’s at its index', () => {
    const btc = generatedSeries(
      'BTC-USDT',
      Array.from({ length: 300 }, (_, i) => 0.01 * Math.sin(i)),
    );
    const engine = new FeatureEngine({ symbols: ['BTC-USDT'] });
    engine.replayHistory([generatedSeries('ETH-USDT', [0.01, 0.02])]);
    engine.update(0, btc, 0);
    // Nothing was computed ahead, so another series with the same candles may follow.
    expect(() => engine.update(0, sliceSeries(btc, 0, 300), 1)).not.toThrow();
  });
});
