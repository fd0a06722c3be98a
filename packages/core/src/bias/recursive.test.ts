import { describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import { type CandleSeries, sliceSeries } from '../market/types.ts';
import { checkFeaturesRecursive, checkIndicatorsRecursive, compareHistories, type OutputMatrix } from './recursive.ts';

describe('checkIndicatorsRecursive', () => {
  it.skipIf(!hasSharedData())('finds every indicator consistent after its declared warm-up on real candles', () => {
    const series = sliceSeries(loadCandlesCsv(dataFile('ETH-USDT_1h.csv')), 0, 8000);
    const rows = checkIndicatorsRecursive(series);
    for (const row of rows) {
      if (row.skipped) continue;
      expect(row.firstDisagreement, row.name).toBeNull();
      expect(row.comparedValues, row.name).toBeGreaterThan(1000);
    }
    expect(rows.find((row) => row.name === 'OBV')?.skipped).toMatch(/cumulative/);
  });

  it.skipIf(!hasSharedData())('finds every feature consistent after its declared warm-up on real candles', () => {
    const series = sliceSeries(loadCandlesCsv(dataFile('BTC-USDT_1h.csv')), 0, 8000);
    const rows = checkFeaturesRecursive(series, { startOffsets: [700, 2000] });
    expect(rows.length).toBeGreaterThanOrEqual(15);
    for (const row of rows) expect(row.firstDisagreement, row.name).toBeNull();
    expect(rows.find((row) => row.name === 'rsi')?.comparedValues).toBeGreaterThan(5000);
  });

  it('catches an output whose declared warm-up is too short', () => {
    // An exponential average with alpha 0.01 needs thousands of candles to forget its seed; declare 10.
    const slowEma = (series: CandleSeries): OutputMatrix => {
      const out = new Float64Array(series.length);
      let value = series.close[0] as number;
      for (let i = 0; i < series.length; i++) out[i] = value += 0.01 * ((series.close[i] as number) - value);
      return [out];
    };
    const closes = Float64Array.from({ length: 3000 }, (_, i) => 100 + 10 * Math.sin(i / 50));
    const series: CandleSeries = {
      symbol: 'X',
      length: 3000,
      time: closes,
      open: closes,
      high: closes,
      low: closes,
      close: closes,
      volume: closes,
    };
    const [row] = compareHistories(series, ['EMA_SLOW'], [10], slowEma, { startOffsets: [500] });
    expect(row?.firstDisagreement?.index).toBe(510);
  });
});
