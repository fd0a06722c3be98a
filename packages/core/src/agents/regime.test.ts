import { beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { checkLookahead } from '../bias/lookahead.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import { syntheticMarket } from '../market/synthetic.ts';
import { allocateSeries, type CandleSeries, sliceSeries } from '../market/types.ts';
import { holdDecision, type StrategyFactory } from '../strategy/types.ts';
import { RegimeDetector, RegimeOptionsError } from './regime.ts';
import type { Regime } from './types.ts';

function regimesOf(series: CandleSeries, detector = new RegimeDetector(1)): Regime[] {
  return Array.from({ length: series.length }, (_, i) => detector.update(0, series, i));
}

function shares(series: CandleSeries, regimes: Regime[], from: string, to: string): Record<Regime, number> {
  const counts = { bull: 0, bear: 0, sideways: 0 };
  let total = 0;
  for (let i = 0; i < series.length; i++) {
    const time = series.time[i] as number;
    if (time >= Date.parse(from) && time < Date.parse(to)) {
      counts[regimes[i] as Regime]++;
      total++;
    }
  }
  return { bull: counts.bull / total, bear: counts.bear / total, sideways: counts.sideways / total };
}

/** A market that climbs 1% a candle for `up` candles, then falls 1% a candle for `down`, with a 2% range. */
function trendingSeries(up: number, down: number): CandleSeries {
  const series = allocateSeries('TREND-USDT', up + down);
  let price = 100;
  for (let i = 0; i < up + down; i++) {
    const open = price;
    price *= i < up ? 1.01 : 0.99;
    series.time[i] = i * 3_600_000;
    series.open[i] = open;
    series.close[i] = price;
    series.high[i] = Math.max(open, price) * 1.01;
    series.low[i] = Math.min(open, price) * 0.99;
    series.volume[i] = 1;
  }
  return series;
}

describe('RegimeDetector', () => {
  it('is sideways through its warm-up, then calls a steady climb bull and a steady fall bear', () => {
    const detector = new RegimeDetector(1);
    const series = trendingSeries(800, 800);
    const regimes = regimesOf(series, detector);
    expect(regimes.slice(0, detector.warmupCandles).every((r) => r === 'sideways')).toBe(true);
    expect(regimes[799]).toBe('bull');
    expect(regimes[1599]).toBe('bear');
  });

  it('stays in a trend regime through a pause (hysteresis), where a fresh start would not enter one', () => {
    const options = { emaPeriod: 20, slopeCandles: 5, enterSlope: 0.02, exitSlope: 0.001, minAdx: 0 };
    const series = trendingSeries(200, 0);
    // A slowdown to 0.2% a candle: slope between the exit and entry thresholds.
    for (let i = 100; i < 200; i++) {
      series.close[i] = (series.close[i - 1] as number) * 1.002;
      series.open[i] = series.close[i - 1] as number;
      series.high[i] = (series.close[i] as number) * 1.01;
      series.low[i] = (series.open[i] as number) * 0.99;
    }
    const regimes = regimesOf(series, new RegimeDetector(1, options));
    expect(regimes[99]).toBe('bull');
    expect(regimes.slice(100).every((r) => r === 'bull')).toBe(true);
    const fresh = regimesOf(sliceSeries(series, 100, 200), new RegimeDetector(1, options));
    expect(fresh.every((r) => r === 'sideways')).toBe(true);
  });

  it('never changes an earlier regime when the series is cut (no look-ahead)', () => {
    const series = syntheticMarket({ candles: 4000, seed: 3, symbol: 'SYN-USDT' });
    const full = regimesOf(series);
    for (const cut of [400, 1234, 2999, 3999]) {
      expect(regimesOf(sliceSeries(series, 0, cut))).toEqual(full.slice(0, cut));
    }
  });

  it('passes the project look-ahead check as a strategy that votes its regime', () => {
    const regimeVoter: StrategyFactory = (symbols) => {
      const detector = new RegimeDetector(symbols.length);
      return {
        name: 'regime-voter',
        warmupCandles: detector.warmupCandles,
        onCandle(context, out) {
          const regime = detector.update(context.symbolIndex, context.series, context.index);
          if (regime === 'sideways') holdDecision(out);
          else {
            out.action = regime === 'bull' ? 'buy' : 'sell';
            out.targetExposure = regime === 'bull' ? 1 : 0;
            out.confidence = 1;
            out.reason = regime;
          }
        },
      };
    };
    const a = syntheticMarket({ candles: 3000, seed: 11, symbol: 'A-USDT' });
    const b = syntheticMarket({ candles: 3000, seed: 12, symbol: 'B-USDT' });
    expect(checkLookahead([a, b], regimeVoter, { cuts: 8 }).firstDifference).toBeNull();
  });

  it('refuses inconsistent thresholds with a clear error', () => {
    expect(() => new RegimeDetector(1, { enterSlope: 0.001, exitSlope: 0.01 })).toThrow(RegimeOptionsError);
    expect(() => new RegimeDetector(1, { emaPeriod: 1 })).toThrow(/emaPeriod/);
  });
});

describe.skipIf(!hasSharedData())('RegimeDetector on real BTC-USDT hourly candles', () => {
  let btc: CandleSeries;
  let regimes: Regime[];
  beforeAll(() => {
    btc = loadCandlesCsv(dataFile('BTC-USDT_1h.csv'));
    regimes = regimesOf(btc);
  });

  it('calls the March 2020 crash bear', () => {
    expect(shares(btc, regimes, '2020-03-12', '2020-03-17').bear).toBe(1);
    expect(shares(btc, regimes, '2020-03-08', '2020-03-20').bear).toBeGreaterThan(0.85);
  });

  it('calls 2020-Q4 to 2021-Q1 mostly bull', () => {
    const share = shares(btc, regimes, '2020-10-01', '2021-04-01');
    expect(share.bull).toBeGreaterThan(0.6);
    expect(share.bull).toBeGreaterThan(4 * share.bear);
  });

  it('does not flap: fewer than 8 changes per 1000 candles over 2018–2025', () => {
    let changes = 0;
    for (let i = 1; i < regimes.length; i++) if (regimes[i] !== regimes[i - 1]) changes++;
    expect(changes / regimes.length).toBeLessThan(0.008);
  });
});
