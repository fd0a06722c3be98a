/**
 * What every HotCache must do (in-process and Redis run the same suite): newest candles oldest first, a candle
 * re-pushed at the same open time replaced rather than duplicated, the 24 h window by candle time, features with
 * masked (NaN) values kept masked.
 */
import type { Candle } from '@keel/core/market/types.ts';
import { expect, it } from 'vitest';
import { HOT_WINDOW_MS, type HotCache } from '../../src/storage/hot-cache.ts';

const HOUR_MS = 3_600_000;
const START_MS = Date.UTC(2024, 0, 1);

export function hourlyCandle(index: number): Candle {
  const open = 40_000 + index * 10;
  return {
    time: START_MS + index * HOUR_MS,
    open,
    high: open + 50,
    low: open - 50,
    close: open + 5,
    volume: 1.5 + index,
  };
}

export function hotCacheContract(name: string, open: () => Promise<HotCache>): void {
  const symbol = `BTC-USDT-${name}-${Math.random().toString(36).slice(2, 8)}`;

  it(`${name}: returns the newest candles oldest first, each open time once`, async () => {
    const cache = await open();
    for (let i = 0; i < 10; i++) await cache.pushCandle(symbol, '1h', hourlyCandle(i));
    await cache.pushCandle(symbol, '1h', { ...hourlyCandle(9), close: 1 });
    expect(await cache.latestCandles(symbol, '1h', 3)).toEqual([
      hourlyCandle(7),
      hourlyCandle(8),
      { ...hourlyCandle(9), close: 1 },
    ]);
    expect(await cache.latestCandles(symbol, '1h', 100)).toHaveLength(10);
    expect(await cache.latestCandles('ETH-USDT-none', '1h', 5)).toEqual([]);
    await cache.close();
  });

  it(`${name}: keeps only the 24 h before the newest candle`, async () => {
    const cache = await open();
    const market = `${symbol}-window`;
    for (let i = 0; i < 60; i++) await cache.pushCandle(market, '1h', hourlyCandle(i));
    await cache.trim(Date.now());
    const kept = await cache.latestCandles(market, '1h', 1000);
    expect(kept.map((candle) => candle.time)).toEqual(Array.from({ length: 24 }, (_, k) => hourlyCandle(36 + k).time));
    expect((kept.at(-1) as Candle).time - (kept[0] as Candle).time).toBeLessThan(HOT_WINDOW_MS);
    await cache.close();
  });

  it(`${name}: keeps the latest feature vector, masked values still masked`, async () => {
    const cache = await open();
    expect(await cache.latestFeatures(symbol, '4h')).toBeNull();
    await cache.putFeatures(symbol, '4h', { timeMs: START_MS, values: { rsi_14: 55.5, fear_greed: 20 } });
    await cache.putFeatures(symbol, '4h', {
      timeMs: START_MS + HOUR_MS,
      values: { rsi_14: 61.25, fear_greed: Number.NaN, fear_greed_available: 0 },
    });
    const latest = await cache.latestFeatures(symbol, '4h');
    expect(latest?.timeMs).toBe(START_MS + HOUR_MS);
    expect(latest?.values.rsi_14).toBe(61.25);
    expect(latest?.values.fear_greed).toBeNaN();
    expect(latest?.values.fear_greed_available).toBe(0);
    await cache.close();
  });
}
