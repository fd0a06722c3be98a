import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { loadCandlesCsv } from './csv.ts';
import { ResampleError, resample } from './resample.ts';
import { type Candle, candleAt, seriesFromCandles } from './types.ts';

const MINUTE = 60_000;

function minuteCandles(count: number, startMs = 0): Candle[] {
  return Array.from({ length: count }, (_, i) => ({
    time: startMs + i * MINUTE,
    open: 100 + i,
    high: 110 + i,
    low: 90 + i,
    close: 101 + i,
    volume: 1 + i,
  }));
}

describe('resample', () => {
  it('aggregates open/high/low/close/volume per aligned bucket', () => {
    const series = resample(seriesFromCandles('X', minuteCandles(10)), '5m');
    expect(series.length).toBe(2);
    expect(candleAt(series, 0)).toEqual({ time: 0, open: 100, high: 114, low: 90, close: 105, volume: 15 });
    expect(candleAt(series, 1)).toEqual({ time: 5 * MINUTE, open: 105, high: 119, low: 95, close: 110, volume: 40 });
  });

  it('drops the trailing bucket while it is still forming, unless asked to keep it', () => {
    const source = seriesFromCandles('X', minuteCandles(7));
    expect(resample(source, '5m').length).toBe(1);
    expect(resample(source, '5m', { keepPartialLast: true }).length).toBe(2);
  });

  it('never invents candles for gaps', () => {
    const candles = [...minuteCandles(5), ...minuteCandles(5, 60 * MINUTE)];
    const series = resample(seriesFromCandles('X', candles), '5m');
    expect([...series.time]).toEqual([0, 60 * MINUTE]);
  });

  it('refuses a target that is not a multiple of the source', () => {
    const hourly = seriesFromCandles(
      'X',
      minuteCandles(3).map((c, i) => ({ ...c, time: i * 3_600_000 })),
    );
    expect(() => resample(hourly, '5m')).toThrow(ResampleError);
  });

  it('is associative: 1m → 5m → 1h equals 1m → 1h', () => {
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 600 }), fc.integer({ min: 0, max: 200 }), (count, offset) => {
        const source = seriesFromCandles('X', minuteCandles(count, offset * MINUTE));
        const direct = resample(source, '1h');
        const stepped = resample(resample(source, '5m'), '1h', { sourceMs: 5 * MINUTE });
        expect([...stepped.close]).toEqual([...direct.close]);
        expect([...stepped.volume]).toEqual([...direct.volume]);
        expect([...stepped.high]).toEqual([...direct.high]);
      }),
    );
  });

  it.skipIf(!hasSharedData())('turns the real Binance minutes into the real Binance hours', () => {
    const minutes = loadCandlesCsv(dataFile('BTC-USDT_1m.csv'));
    const hours = loadCandlesCsv(dataFile('BTC-USDT_1h.csv'));
    const resampled = resample(minutes, '1h');
    expect(resampled.length).toBe(29 * 24);
    const first = hours.time.indexOf(resampled.time[0] as number);
    for (let i = 0; i < resampled.length; i++) {
      const { volume, ...prices } = candleAt(resampled, i);
      const { volume: hourVolume, ...hourPrices } = candleAt(hours, first + i);
      expect(prices).toEqual(hourPrices);
      // Volumes are sums of binary floats: equal to the exchange's decimal sum up to rounding.
      expect(Math.abs(volume - hourVolume)).toBeLessThanOrEqual(hourVolume * 1e-12);
    }
  });
});
