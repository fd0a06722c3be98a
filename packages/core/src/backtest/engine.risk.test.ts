import { describe, expect, it } from 'vitest';
import { syntheticMarket } from '../market/synthetic.ts';
import { type Candle, seriesFromCandles, sliceSeries } from '../market/types.ts';
import { RiskManager } from '../risk/risk-manager.ts';
import { smaCross } from '../strategy/sma-cross.ts';
import { holdDecision, type StrategyFactory } from '../strategy/types.ts';
import { runBacktest } from './engine.ts';

const HOUR = 3_600_000;

/** Buys everything on the first candle's close, then holds. */
const buyOnce: StrategyFactory = () => ({
  name: 'buy-once',
  warmupCandles: 0,
  onCandle(context, out) {
    if (context.index !== 0) return holdDecision(out);
    out.action = 'buy';
    out.targetExposure = 1;
    out.confidence = 1;
    out.reason = 'enter';
  },
});

const candles = (rows: [open: number, high: number, low: number, close: number][]): Candle[] =>
  rows.map(([open, high, low, close], i) => ({ time: i * HOUR, open, high, low, close, volume: 1_000 }));

describe('runBacktest with the risk manager', () => {
  it('reports no risk events with approveAll, and sma-cross results do not change', () => {
    const series = syntheticMarket({ candles: 3_000, seed: 5 });
    const plain = runBacktest([series], smaCross({ fast: 5, slow: 20 }));
    expect(plain.riskEvents).toEqual([]);
    const managed = runBacktest([series], smaCross({ fast: 5, slow: 20 }), { risk: new RiskManager() });
    expect(managed.riskEvents.length).toBeGreaterThan(0);
    expect(managed.metrics.exposure).toBeGreaterThan(0);
  });

  it('carries the verdict and its reasons in the decision record', () => {
    const series = seriesFromCandles(
      'BTC-USDT',
      candles([
        [100, 101, 99, 100],
        [100, 101, 99, 100],
        [100, 101, 99, 100],
      ]),
    );
    const result = runBacktest([series], buyOnce, { risk: new RiskManager(), recordDecisions: true });
    const verdict = result.decisions[0]?.verdict;
    expect(verdict?.kind).toBe('resize');
    expect(verdict?.order?.quoteQty).toBeCloseTo(1_000, 6);
    expect(verdict?.reasons.at(-1)).toBe(
      'position-cap: BTC-USDT would be 5000.00 = 50.00% of equity 10000.00, cap 10.00%',
    );
    expect(result.riskEvents[0]).toMatchObject({ type: 'resize', from: 'buy 10000.00 quote', to: 'buy 1000.00 quote' });
  });

  it('protects the entry candle with the provisional stop sent with the entry', () => {
    const series = seriesFromCandles(
      'BTC-USDT',
      candles([
        [100, 101, 99, 100],
        [100, 100.5, 90, 92], // entry at the open 100, then a fall through the 95 stop in the same candle
        [92, 93, 91, 92],
      ]),
    );
    const result = runBacktest([series], buyOnce, { risk: new RiskManager() });
    expect(result.fills.map((f) => [f.side, f.time, f.priceQuote])).toEqual([
      ['buy', HOUR, 100],
      ['sell', HOUR, 95],
    ]);
    expect(result.riskEvents.at(-1)).toMatchObject({ type: 'stop-loss', time: HOUR });
  });

  it('assumes the stop was hit first when one candle reaches both the stop and the take profit', () => {
    const series = seriesFromCandles(
      'BTC-USDT',
      candles([
        [100, 101, 99, 100],
        [100, 101, 99, 100], // entry; stop 95 and take profit 110 rest from the next candle
        [100, 115, 90, 105], // both levels inside one candle: the path is unknown, the stop is assumed first
        [105, 106, 104, 105],
      ]),
    );
    const result = runBacktest([series], buyOnce, { risk: new RiskManager() });
    const sells = result.fills.filter((f) => f.side === 'sell');
    expect(sells.map((f) => [f.time, f.priceQuote, f.clientOrderId.split(':').at(-1)])).toEqual([
      [2 * HOUR, 95, 'stop'],
    ]);
    expect(
      result.riskEvents.filter((e) => e.type === 'stop-loss' || e.type === 'take-profit').map((e) => e.type),
    ).toEqual(['stop-loss']);
    expect(result.trades[0]?.pnl).toBeLessThan(0);
  });

  it('takes profit at the limit when only the take profit is reached', () => {
    const series = seriesFromCandles(
      'BTC-USDT',
      candles([
        [100, 101, 99, 100],
        [100, 101, 99, 100],
        [100, 112, 99, 111],
        [111, 112, 110, 111],
      ]),
    );
    const result = runBacktest([series], buyOnce, { risk: new RiskManager() });
    const exit = result.fills.find((f) => f.side === 'sell');
    expect([exit?.time, exit?.priceQuote, exit?.liquidity]).toEqual([2 * HOUR, 110, 'maker']);
    expect(result.riskEvents.at(-1)?.type).toBe('take-profit');
  });

  it('decides nothing from the future: a run on data cut short matches the full run up to the cut', () => {
    const series = syntheticMarket({ candles: 4_000, seed: 21 });
    const full = runBacktest([series], smaCross({ fast: 5, slow: 20 }), { risk: new RiskManager() });
    for (const cut of [700, 1_500, 2_222, 3_100]) {
      const short = runBacktest([sliceSeries(series, 0, cut)], smaCross({ fast: 5, slow: 20 }), {
        risk: new RiskManager(),
      });
      const lastOpen = series.time[cut - 1] as number;
      expect(short.riskEvents).toEqual(full.riskEvents.filter((e) => e.time <= lastOpen + HOUR));
      expect(short.fills).toEqual(full.fills.filter((f) => f.time <= lastOpen));
    }
  });

  it('starts the manager afresh for every run', () => {
    const risk = new RiskManager();
    const series = syntheticMarket({ candles: 2_000, seed: 9 });
    const first = runBacktest([series], smaCross({ fast: 5, slow: 20 }), { risk });
    const second = runBacktest([series], smaCross({ fast: 5, slow: 20 }), { risk });
    expect(second.riskEvents).toEqual(first.riskEvents);
    expect(second.metrics.endEquity).toBe(first.metrics.endEquity);
  });
});
