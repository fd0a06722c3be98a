/**
 * Shared features give every bot exactly the vectors a FeatureEngine of its own would (bot-runner.ts's old way):
 * bots that joined at the start, bots joining late (warming up on the history), on real candles past the engine's
 * warm-up. Bit for bit: a bot's decisions read these floats.
 */
import { FeatureEngine } from '@keel/core/features/feature-engine.ts';
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import { type CandleSeries, sliceSeries } from '@keel/core/market/types.ts';
import { describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../packages/core/test/shared-data.ts';
import { SharedFeatures } from '../src/bots/shared-features.ts';

const HOUR_MS = 3_600_000;
/** Past the engine's 649-candle warm-up, and past the history's first doubling (1,024 candles). */
const CANDLES = 1_500;

const series: CandleSeries | null = hasSharedData()
  ? sliceSeries(loadCandlesCsv(dataFile('ETH-USDT_1h.csv'), { symbol: 'ETH-USDT' }), 0, CANDLES)
  : null;

/** Every vector a bot's own engine gives, candle by candle from the first. */
function ownVectors(candles: CandleSeries): Float32Array[] {
  const engine = new FeatureEngine({ symbols: [candles.symbol], candleMs: HOUR_MS });
  return Array.from({ length: candles.length }, (_, index) => engine.update(0, candles, index).slice());
}

describe.skipIf(series === null)('shared features (real ETH-USDT 1h candles)', () => {
  const candles = series as CandleSeries;

  it('give each bot, early or late, the vectors of an engine of its own', () => {
    const expected = ownVectors(candles);
    const shared = new SharedFeatures();
    const early = shared.source(candles.symbol, HOUR_MS);
    const second = shared.source(candles.symbol, HOUR_MS);
    const late = shared.source(candles.symbol, HOUR_MS);
    const lateFrom = 900;
    for (let index = 0; index < candles.length; index++) {
      expect(early.update(0, candles, index)).toEqual(expected[index]);
      expect(second.update(0, candles, index)).toEqual(expected[index]);
      if (index === lateFrom) {
        // Joining late: its catch-up feeds every past candle, which the market's history already holds.
        for (let past = 0; past <= lateFrom; past++) expect(late.update(0, candles, past)).toEqual(expected[past]);
      } else if (index > lateFrom) {
        expect(late.update(0, candles, index)).toEqual(expected[index]);
      }
    }
    expect(shared.size).toBe(1);
  });

  it('keeps a market apart from another series of the same symbol, and refuses a candle not of its history', () => {
    const shared = new SharedFeatures();
    const fromStart = shared.source(candles.symbol, HOUR_MS);
    const later = sliceSeries(candles, 100, candles.length);
    const fromLater = shared.source(candles.symbol, HOUR_MS);
    const expectedLater = ownVectors(sliceSeries(later, 0, 700));
    for (let index = 0; index < 700; index++) {
      fromStart.update(0, candles, index);
      expect(fromLater.update(0, later, index)).toEqual(expectedLater[index]);
    }
    expect(shared.size).toBe(2);

    const shifted = { ...candles, time: candles.time.map((time, index) => (index === 50 ? time + 1 : time)) };
    expect(() => shared.source(candles.symbol, HOUR_MS).update(0, shifted, 50)).toThrow(/candle 50 opens at/);
    expect(() => fromStart.update(0, later, 0)).toThrow(/candle 0 opens at/);
    expect(() => shared.source('BTC-USDT', HOUR_MS).update(0, candles, 0)).toThrow(/fed a candle of ETH-USDT/);
  });
});
