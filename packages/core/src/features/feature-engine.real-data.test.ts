/**
 * The feature engine on real Binance candles (BTC-USDT and ETH-USDT, 1 h, 2018–2025) run together as the
 * backtester runs them: finite values inside their documented ranges, informative after the warm-up, and a
 * correlation to BTC that pairs ETH's returns with BTC's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import { computeFeatures, type FeatureMatrix } from './compute-features.ts';
import type { FeatureEngine } from './feature-engine.ts';
import { FEATURE_INDEX, FEATURE_NAMES, FEATURE_RANGES } from './feature-names.ts';

/** Features that only carry optional data, which candle files do not have. */
const OPTIONAL = new Set(['order_book_imbalance', 'order_book_available', 'funding_rate', 'funding_available']);

function column(matrix: FeatureMatrix, feature: number, from: number): Float32Array {
  const rows = matrix.values.length / matrix.width;
  const values = new Float32Array(rows - from);
  for (let i = from; i < rows; i++) values[i - from] = matrix.values[i * matrix.width + feature] as number;
  return values;
}

function median(values: Float32Array): number {
  const sorted = Float32Array.from(values).sort();
  return sorted[sorted.length >> 1] as number;
}

describe.skipIf(!hasSharedData())('FeatureEngine on real BTC-USDT and ETH-USDT hourly candles', () => {
  let engine: FeatureEngine;
  let matrices: FeatureMatrix[];
  beforeAll(() => {
    const btc = loadCandlesCsv(dataFile('BTC-USDT_1h.csv'));
    const eth = loadCandlesCsv(dataFile('ETH-USDT_1h.csv'));
    // ETH first in each time step: its correlation takes the held-back path of the pairing rule.
    ({ engine, matrices } = computeFeatures([eth, btc]));
  });

  it('keeps every feature of every candle finite and inside its documented range', () => {
    for (const matrix of matrices) {
      FEATURE_NAMES.forEach((name, k) => {
        const { min, max } = FEATURE_RANGES[name];
        const values = column(matrix, k, 0);
        let low = Number.POSITIVE_INFINITY;
        let high = Number.NEGATIVE_INFINITY;
        for (const value of values) {
          if (!Number.isFinite(value)) expect.fail(`${matrix.symbol} ${name}: ${value}`);
          low = Math.min(low, value);
          high = Math.max(high, value);
        }
        expect(low, `${matrix.symbol} ${name} min`).toBeGreaterThanOrEqual(min);
        expect(high, `${matrix.symbol} ${name} max`).toBeLessThanOrEqual(max);
      });
    }
  });

  it('carries information in every candle feature after the warm-up (not stuck at 0 or at a bound)', () => {
    for (const matrix of matrices) {
      FEATURE_NAMES.forEach((name, k) => {
        if (OPTIONAL.has(name) || name.startsWith('btc_correlation')) return;
        const values = column(matrix, k, engine.warmupCandles);
        const distinct = new Set(values.subarray(0, 5000)).size;
        expect(distinct, `${matrix.symbol} ${name}`).toBeGreaterThan(100);
      });
    }
  });

  it('correlates ETH with BTC strongly and positively, and gives BTC 1', () => {
    const [ethMatrix, btcMatrix] = matrices as [FeatureMatrix, FeatureMatrix];
    const correlation = column(ethMatrix, FEATURE_INDEX.btc_correlation, engine.warmupCandles);
    const available = column(ethMatrix, FEATURE_INDEX.btc_correlation_available, engine.warmupCandles);
    expect(available.every((flag) => flag === 1)).toBe(true);
    expect(median(correlation)).toBeGreaterThan(0.6);
    expect(column(btcMatrix, FEATURE_INDEX.btc_correlation, 0).every((value) => value === 1)).toBe(true);
  });

  it('marks exactly the first warmupCandles vectors of each symbol as not ready', () => {
    for (const matrix of matrices) {
      expect(matrix.ready.indexOf(1)).toBe(engine.warmupCandles);
      expect(matrix.ready.subarray(engine.warmupCandles).every((flag) => flag === 1)).toBe(true);
    }
  });
});
