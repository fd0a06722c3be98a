/**
 * What every ColdCandleReader does, run against each store it reads (VictoriaMetrics for real, InfluxDB's query API
 * through its loopback stand-in): the candles of one market in an inclusive range, oldest first, exactly as
 * written; nothing of another market; nothing for a time where a write was cut short.
 */
import { randomUUID } from 'node:crypto';
import type { Candle } from '@keel/core/market/types.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ColdCandleReader } from '../../src/cold-tier/cold-candle-reader.ts';
import type { StoredCandle } from './loopback-influxdb.ts';
import { realHours } from './real-candles.ts';

export interface ColdStoreUnderTest {
  reader: ColdCandleReader;
  /** Stores points as the worker writes them, and returns once a read sees them. */
  store(symbol: string, timeframe: string, candles: readonly StoredCandle[]): Promise<void>;
}

const HOUR_MS = 3_600_000;

export function coldCandleReaderContract(name: string, open: () => Promise<ColdStoreUnderTest>): void {
  describe(`ColdCandleReader contract: ${name}`, () => {
    const candles = realHours(48);
    const first = candles[0] as Candle;
    const last = candles.at(-1) as Candle;
    // A market of its own per run, so reruns against a kept store never meet old points.
    const symbol = `C${randomUUID().slice(0, 8).toUpperCase()}-USDT`;
    let store: ColdStoreUnderTest;

    beforeAll(async () => {
      store = await open();
      await store.store(symbol, '1h', candles);
      await store.store(symbol, '4h', [{ ...first, close: first.close + 1 }]);
      await store.store(`O${symbol}`, '1h', [{ ...first, open: first.open + 1 }]);
      // One hour after the series where only four of the five fields arrived.
      const { volume: _volume, ...withoutVolume } = { ...last, time: last.time + HOUR_MS };
      await store.store(symbol, '1h', [withoutVolume]);
    });

    it('reads the whole range exactly as written, oldest first', async () => {
      const read = await store.reader.read({ symbol, timeframe: '1h', fromMs: first.time, toMs: last.time });
      expect(read).toEqual(candles);
    });

    it('includes both ends of a range and nothing outside it', async () => {
      const from = candles[10] as Candle;
      const to = candles[19] as Candle;
      const read = await store.reader.read({ symbol, timeframe: '1h', fromMs: from.time, toMs: to.time });
      expect(read).toEqual(candles.slice(10, 20));
    });

    it('keeps markets apart: another timeframe or symbol is not mixed in', async () => {
      const read = await store.reader.read({ symbol, timeframe: '4h', fromMs: first.time, toMs: last.time });
      expect(read).toEqual([{ ...first, close: first.close + 1 }]);
    });

    it('leaves out a time whose write was cut short, and answers [] where nothing is stored', async () => {
      const tail = await store.reader.read({
        symbol,
        timeframe: '1h',
        fromMs: last.time,
        toMs: last.time + 2 * HOUR_MS,
      });
      expect(tail).toEqual([last]);
      const before = await store.reader.read({
        symbol,
        timeframe: '1h',
        fromMs: first.time - 100 * HOUR_MS,
        toMs: first.time - 1,
      });
      expect(before).toEqual([]);
    });
  });
}
