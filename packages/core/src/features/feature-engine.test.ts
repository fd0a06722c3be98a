import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Candle, type CandleSeries, seriesFromCandles } from '../market/types.ts';
import { computeFeatures } from './compute-features.ts';
import { FeatureEngine, FUNDING_RATE_SCALE } from './feature-engine.ts';
import { FEATURE_INDEX, FEATURE_NAMES, FEATURE_RANGES } from './feature-names.ts';
import { SMALL_WINDOWS } from './testing/small-windows.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Hourly candles following `closes`, each spanning 1% around its open and close. */
function hourlySeries(symbol: string, closes: readonly number[], volume = 10): CandleSeries {
  return seriesFromCandles(
    symbol,
    closes.map((close, i) => {
      const open = i === 0 ? close : (closes[i - 1] as number);
      return {
        time: i * HOUR,
        open,
        high: Math.max(open, close) * 1.01,
        low: Math.min(open, close) * 0.99,
        close,
        volume,
      };
    }),
  );
}

function wave(length: number, phase = 0): number[] {
  return Array.from({ length }, (_, i) => 100 * Math.exp(0.05 * Math.sin(i / 7 + phase) + 0.02 * Math.sin(i / 3)));
}

function expectFiniteAndInRange(vector: Float32Array, where: string): void {
  FEATURE_NAMES.forEach((name, k) => {
    const value = vector[k] as number;
    const range = FEATURE_RANGES[name];
    if (!(Number.isFinite(value) && value >= range.min && value <= range.max)) {
      expect.fail(`${where}: ${name} = ${value}, outside [${range.min}, ${range.max}]`);
    }
  });
}

/** A random but valid candle: a log-price move (sometimes none), a wick, a volume that may be 0. */
const candleStep = fc.record({
  move: fc.oneof(fc.constant(0), fc.double({ min: -0.3, max: 0.3, noNaN: true })),
  wickUp: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.1, noNaN: true })),
  wickDown: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.1, noNaN: true })),
  volume: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e6, noNaN: true })),
});

type CandleStep = { move: number; wickUp: number; wickDown: number; volume: number };

function generatedSeries(symbol: string, startPrice: number, steps: readonly CandleStep[]): CandleSeries {
  let close = startPrice;
  const candles: Candle[] = steps.map((step, i) => {
    const open = close;
    close = open * Math.exp(step.move);
    return {
      time: i * MINUTE,
      open,
      high: Math.max(open, close) * (1 + step.wickUp),
      low: Math.min(open, close) / (1 + step.wickDown),
      close,
      volume: step.volume,
    };
  });
  return seriesFromCandles(symbol, candles);
}

describe('FeatureEngine', () => {
  it('names at least 15 features, distinct, each with a documented range', () => {
    const engine = new FeatureEngine({ symbols: ['ETH-USDT'] });
    expect(engine.names).toBe(FEATURE_NAMES);
    expect(FEATURE_NAMES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(FEATURE_NAMES).size).toBe(FEATURE_NAMES.length);
    for (const name of FEATURE_NAMES) expect(FEATURE_RANGES[name].min).toBeLessThan(FEATURE_RANGES[name].max);
  });

  it('derives warmupCandles from the per-feature warm-ups, the slowest being ADX (two Wilder stages)', () => {
    const engine = new FeatureEngine({ symbols: ['ETH-USDT'] });
    expect(engine.warmupCandles).toBe(Math.max(...Object.values(engine.featureWarmups)));
    expect(engine.warmupCandles).toBe(engine.featureWarmups.adx);
    const longZ = new FeatureEngine({ symbols: ['ETH-USDT'], zScoreWindow: 1000 });
    expect(longZ.warmupCandles).toBe(longZ.featureWarmups.macd_histogram_z);
  });

  it('returns one reused Float32Array per symbol: no allocation per update', () => {
    const btc = hourlySeries('BTC-USDT', wave(50));
    const eth = hourlySeries('ETH-USDT', wave(50, 1));
    const engine = new FeatureEngine({ symbols: ['BTC-USDT', 'ETH-USDT'] });
    const first = [engine.update(0, btc, 0), engine.update(1, eth, 0)];
    expect(first[0]).toBeInstanceOf(Float32Array);
    expect(first[0]).not.toBe(first[1]);
    for (let i = 1; i < 50; i++) {
      expect(engine.update(0, btc, i)).toBe(first[0]);
      expect(engine.update(1, eth, i)).toBe(first[1]);
    }
  });

  it('writes 0 for undefined values during warm-up and reports ready only after warmupCandles', () => {
    const length = 700;
    const { engine, matrices } = computeFeatures([hourlySeries('ETH-USDT', wave(length))]);
    const [eth] = matrices;
    if (eth === undefined) throw new Error('no matrix');
    expect(Array.from(eth.values.subarray(0, eth.width))).toEqual(FEATURE_NAMES.map(() => 0));
    for (let i = 0; i < length; i++) expect(eth.ready[i]).toBe(i >= engine.warmupCandles ? 1 : 0);
    expect(engine.isReady(0)).toBe(true);
  });

  it('keeps every feature finite and within its range on arbitrary candles, at any price scale', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1e-8, 3e-5, 1, 250, 9e4),
        fc.array(candleStep, { minLength: 1, maxLength: 300 }),
        fc.array(candleStep, { minLength: 1, maxLength: 300 }),
        (startPrice, btcSteps, altSteps) => {
          const series = [generatedSeries('BTC-USDT', 9e4, btcSteps), generatedSeries('ALT-BTC', startPrice, altSteps)];
          const { matrices } = computeFeatures(series, SMALL_WINDOWS);
          for (const matrix of matrices) {
            for (let i = 0; i * matrix.width < matrix.values.length; i++) {
              expectFiniteAndInRange(
                matrix.values.subarray(i * matrix.width, (i + 1) * matrix.width),
                `${matrix.symbol}[${i}]`,
              );
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('gives the reference itself a correlation of 1 and masks the correlation when the run has no reference', () => {
    const { matrices } = computeFeatures([hourlySeries('BTC-USDT', wave(30))]);
    const withoutReference = computeFeatures([hourlySeries('ETH-USDT', wave(30))], SMALL_WINDOWS).matrices;
    const width = FEATURE_NAMES.length;
    for (let i = 0; i < 30; i++) {
      expect(matrices[0]?.values[i * width + FEATURE_INDEX.btc_correlation]).toBe(1);
      expect(matrices[0]?.values[i * width + FEATURE_INDEX.btc_correlation_available]).toBe(1);
      expect(withoutReference[0]?.values[i * width + FEATURE_INDEX.btc_correlation]).toBe(0);
      expect(withoutReference[0]?.values[i * width + FEATURE_INDEX.btc_correlation_available]).toBe(0);
    }
  });

  it('correlates a symbol with the reference once the window is full (1 for a scaled copy)', () => {
    const closes = wave(40);
    const series = [
      hourlySeries(
        'ETH-USDT',
        closes.map((c) => c / 30),
      ),
      hourlySeries('BTC-USDT', closes),
    ];
    const { matrices } = computeFeatures(series, SMALL_WINDOWS);
    const eth = matrices[0];
    if (eth === undefined) throw new Error('no matrix');
    const at = (i: number, name: keyof typeof FEATURE_INDEX) => eth.values[i * eth.width + FEATURE_INDEX[name]];
    // ETH comes first in each step, so its pairs lag one candle: 4 pairs (times 1…4) are complete at candle 5.
    expect(at(4, 'btc_correlation_available')).toBe(0);
    expect(at(5, 'btc_correlation_available')).toBe(1);
    expect(at(39, 'btc_correlation')).toBeCloseTo(1, 6);
  });
});

describe('FeatureEngine optional data', () => {
  const series = hourlySeries('ETH-USDT', wave(5));
  const closeOf = (i: number) => (i + 1) * HOUR;
  const { order_book_imbalance, order_book_available, funding_rate, funding_available } = FEATURE_INDEX;

  it('leaves the order-book and funding slots at 0 with their flags at 0 when the source has none', () => {
    const engine = new FeatureEngine({ symbols: ['ETH-USDT'], candleMs: HOUR });
    for (let i = 0; i < 5; i++) {
      const vector = engine.update(0, series, i);
      expect([vector[order_book_imbalance], vector[order_book_available]]).toEqual([0, 0]);
      expect([vector[funding_rate], vector[funding_available]]).toEqual([0, 0]);
    }
  });

  it('uses a value stamped within its staleness limit before the close, and masks stale or future ones', () => {
    const engine = new FeatureEngine({ symbols: ['ETH-USDT'], candleMs: HOUR, orderBookMaxAgeMs: MINUTE });
    engine.setOrderBookImbalance(0, 0.25, closeOf(0) - 30_000);
    engine.setFundingRate(0, 0.0001, closeOf(0) - 10 * MINUTE);
    let vector = engine.update(0, series, 0);
    expect([vector[order_book_imbalance], vector[order_book_available]]).toEqual([0.25, 1]);
    expect([vector[funding_rate], vector[funding_available]]).toEqual([Math.fround(0.0001 / FUNDING_RATE_SCALE), 1]);

    // An hour later the snapshot is stale (masked, not fed as fresh); the funding rate is still in force.
    vector = engine.update(0, series, 1);
    expect([vector[order_book_imbalance], vector[order_book_available]]).toEqual([0, 0]);
    expect(vector[funding_available]).toBe(1);

    // A snapshot stamped after the candle's close is that candle's future; it serves the next candle.
    engine.setOrderBookImbalance(0, -0.5, closeOf(3) - 30_000);
    vector = engine.update(0, series, 2);
    expect([vector[order_book_imbalance], vector[order_book_available]]).toEqual([0, 0]);
    vector = engine.update(0, series, 3);
    expect([vector[order_book_imbalance], vector[order_book_available]]).toEqual([-0.5, 1]);

    // 9 h after it was set, the funding rate is stale.
    const later = hourlySeries('ETH-USDT', wave(12));
    const fresh = new FeatureEngine({ symbols: ['ETH-USDT'], candleMs: HOUR });
    fresh.setFundingRate(0, 0.0001, closeOf(0));
    for (let i = 0; i < 12; i++) {
      vector = fresh.update(0, later, i);
      expect(vector[funding_available], `candle ${i}`).toBe(closeOf(i) - closeOf(0) <= 9 * HOUR ? 1 : 0);
    }
  });

  it('clamps values to their range and clears a slot on a non-finite value', () => {
    const engine = new FeatureEngine({ symbols: ['ETH-USDT'], candleMs: HOUR });
    engine.setOrderBookImbalance(0, 3, closeOf(0));
    engine.setFundingRate(0, 0.5, closeOf(0));
    let vector = engine.update(0, series, 0);
    expect([vector[order_book_imbalance], vector[funding_rate]]).toEqual([1, 5]);
    engine.setFundingRate(0, Number.NaN, closeOf(1));
    vector = engine.update(0, series, 1);
    expect([vector[funding_rate], vector[funding_available]]).toEqual([0, 0]);
  });

  it('infers the candle length when not given; until the second candle the close is taken to be the open', () => {
    const engine = new FeatureEngine({ symbols: ['ETH-USDT'] });
    engine.setOrderBookImbalance(0, 0.1, 30 * MINUTE);
    expect(engine.update(0, series, 0)[order_book_available]).toBe(0);
    engine.setOrderBookImbalance(0, 0.1, closeOf(1) - 1);
    expect(engine.update(0, series, 1)[order_book_available]).toBe(1);
  });

  it('rejects an unknown symbol index', () => {
    const engine = new FeatureEngine({ symbols: ['ETH-USDT'] });
    expect(() => engine.setFundingRate(1, 0.0001, 0)).toThrow(RangeError);
  });
});
