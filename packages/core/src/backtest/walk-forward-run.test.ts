import { describe, expect, it } from 'vitest';
import { FeatureEngine } from '../features/feature-engine.ts';
import { syntheticMarket } from '../market/synthetic.ts';
import type { CandleSeries } from '../market/types.ts';
import { smaCross } from '../strategy/sma-cross.ts';
import { runBacktest } from './engine.ts';
import { runWalkForward } from './walk-forward-run.ts';

describe('runBacktest startTradingAt', () => {
  it('warms up without trading or recording equity before the start', () => {
    const series = syntheticMarket({ candles: 2000, seed: 4 });
    const start = series.time[1000] as number;
    const result = runBacktest([series], smaCross({ fast: 5, slow: 20 }), { startTradingAt: start });
    expect(result.equity.time[0]).toBe(start);
    expect(result.equity.time.length).toBe(1000);
    expect(result.fills.every((f) => f.time > start)).toBe(true);
    expect(result.equity.equity[0]).toBe(10_000);
  });
});

describe('runWalkForward', () => {
  const series = syntheticMarket({ candles: 3000, seed: 12 });

  it('trades only the test windows, chaining equity from one window to the next', () => {
    const result = runWalkForward([series], smaCross({ fast: 5, slow: 20 }), { trainCandles: 1000, testCandles: 500 });
    expect(result.windows).toHaveLength(4);
    expect(result.equity.time[0]).toBe(series.time[1000]);
    expect(result.equity.time.length).toBe(2000);
    result.windows.forEach((window, k) => {
      const previous = result.windows[k - 1];
      expect(window.result.metrics.startEquity).toBe(previous ? previous.result.metrics.endEquity : 10_000);
      for (const trade of window.result.trades) expect(trade.entryTime).toBeGreaterThan(window.testFrom);
    });
    expect(result.metrics.endEquity).toBe(result.windows.at(-1)?.result.metrics.endEquity);
  });

  it('fits each window on its training candles only', () => {
    const seen: Array<{ first: number; last: number }> = [];
    runWalkForward([series], smaCross(), {
      trainCandles: 1000,
      testCandles: 1000,
      fit: (training: readonly CandleSeries[]) => {
        const t = training[0] as CandleSeries;
        seen.push({ first: t.time[0] as number, last: t.time[t.length - 1] as number });
        return smaCross();
      },
    });
    expect(seen).toEqual([
      { first: series.time[0], last: series.time[999] },
      { first: series.time[1000], last: series.time[1999] },
    ]);
  });

  it('gives every window a fresh feature source, fed from its training candles on', () => {
    const firstTimes: number[] = [];
    runWalkForward([series], smaCross(), {
      trainCandles: 1000,
      testCandles: 1000,
      createFeatures: (symbols) => {
        const features = new FeatureEngine({ symbols });
        let first = true;
        return {
          names: features.names,
          update: (symbolIndex, s, index) => {
            if (first) firstTimes.push(s.time[index] as number);
            first = false;
            return features.update(symbolIndex, s, index);
          },
        };
      },
    });
    expect(firstTimes).toEqual([series.time[0], series.time[1000]]);
  });
});
