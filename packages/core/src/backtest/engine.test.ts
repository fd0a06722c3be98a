import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import { syntheticMarket } from '../market/synthetic.ts';
import { type CandleSeries, sliceSeries } from '../market/types.ts';
import { smaCross } from '../strategy/sma-cross.ts';
import type { Decision, DecisionContext, StrategyFactory } from '../strategy/types.ts';
import { BacktestError, runBacktest } from './engine.ts';

const FEE = 0.001;

/**
 * sma-cross written the obvious way, independently of the engine: naive SMAs, the crossing rule, all-in buys at
 * the next open with the fee paid out of the cash, full sells at the next open.
 */
function referenceSmaCross(series: CandleSeries, fast: number, slow: number, cash: number) {
  const sma = (period: number, i: number) => {
    if (i < period - 1) return Number.NaN;
    let sum = 0;
    for (let k = i - period + 1; k <= i; k++) sum += series.close[k] as number;
    return sum / period;
  };
  const trades: Array<{ entryTime: number; entryPrice: number; exitTime: number; exitPrice: number; qty: number }> = [];
  let lastSign = 0;
  let qty = 0;
  let entry = { time: 0, price: 0 };
  for (let i = 0; i + 1 < series.length; i++) {
    const difference = sma(fast, i) - sma(slow, i);
    const sign = difference > 0 ? 1 : difference < 0 ? -1 : 0;
    const nextOpen = series.open[i + 1] as number;
    const nextTime = series.time[i + 1] as number;
    if (sign === 1 && lastSign === -1 && qty === 0) {
      qty = Math.floor((cash / (nextOpen * (1 + FEE))) * 1e8) / 1e8;
      cash -= qty * nextOpen * (1 + FEE);
      entry = { time: nextTime, price: nextOpen };
    } else if (sign === -1 && lastSign === 1 && qty > 0) {
      cash += qty * nextOpen * (1 - FEE);
      trades.push({ entryTime: entry.time, entryPrice: entry.price, exitTime: nextTime, exitPrice: nextOpen, qty });
      qty = 0;
    }
    if (sign !== 0) lastSign = sign;
  }
  const last = series.length - 1;
  return { trades, finalEquity: cash + qty * (series.close[last] as number) };
}

describe('runBacktest with sma-cross', () => {
  it.skipIf(!hasSharedData())('matches an independent implementation on real BTC hourly candles', () => {
    const series = sliceSeries(loadCandlesCsv(dataFile('BTC-USDT_1h.csv')), 0, 20_000);
    const result = runBacktest([series], smaCross({ fast: 10, slow: 30 }), { costs: { takerFeeRate: FEE } });
    const reference = referenceSmaCross(series, 10, 30, 10_000);
    const closed = result.trades.filter((t) => !t.openAtEnd);
    expect(closed.length).toBe(reference.trades.length);
    expect(closed.length).toBeGreaterThan(100);
    closed.forEach((trade, i) => {
      const expected = reference.trades[i];
      expect(trade.entryTime).toBe(expected?.entryTime);
      expect(trade.exitTime).toBe(expected?.exitTime);
      expect(trade.entryPrice).toBe(expected?.entryPrice);
      expect(trade.exitPrice).toBe(expected?.exitPrice);
      expect(trade.qty).toBeCloseTo(expected?.qty as number, 7);
    });
    expect(result.metrics.endEquity / reference.finalEquity - 1).toBeLessThan(1e-6);
    expect(result.metrics.endEquity / reference.finalEquity - 1).toBeGreaterThan(-1e-6);
  });

  it('books every trade: their net P&L adds up to the change in equity', () => {
    const series = syntheticMarket({ candles: 5000, seed: 3 });
    const result = runBacktest([series], smaCross({ fast: 5, slow: 20 }), { initialCashQuote: 1000 });
    const pnl = result.trades.reduce((sum, t) => sum + t.pnl, 0);
    expect(result.trades.length).toBeGreaterThan(20);
    expect(pnl).toBeCloseTo(result.metrics.endEquity - 1000, 6);
    expect(result.fills.reduce((sum, f) => sum + f.feeQuote, 0)).toBeCloseTo(
      result.trades.reduce((sum, t) => sum + t.fees, 0),
      8,
    );
  });

  it('fills each order on the candle after its decision, never earlier', () => {
    const series = syntheticMarket({ candles: 3000, seed: 11 });
    const result = runBacktest([series], smaCross({ fast: 5, slow: 20 }), { recordDecisions: true });
    const candleMs = (series.time[1] as number) - (series.time[0] as number);
    const decisionTimes = new Map(result.decisions.map((d) => [d.intent?.clientOrderId, d.time]));
    expect(result.fills.length).toBeGreaterThan(10);
    for (const fill of result.fills) {
      const decidedAt = decisionTimes.get(fill.clientOrderId) as number;
      expect(fill.time).toBe(decidedAt);
      const index = series.time.indexOf(fill.time);
      expect(fill.priceQuote).toBe(series.open[index]);
      expect(decidedAt - candleMs).toBe(series.time[index - 1]);
    }
  });
});

describe('runBacktest on several symbols', () => {
  it('merges candles by time and keeps one equity point per time step', () => {
    const a = syntheticMarket({ candles: 400, seed: 1, symbol: 'A-USDT' });
    const b = syntheticMarket({ candles: 300, seed: 2, symbol: 'B-USDT', startMs: Date.UTC(2020, 0, 5) });
    const result = runBacktest([a, b], smaCross({ fast: 3, slow: 8 }));
    const times = new Set([...a.time, ...b.time]);
    expect(result.equity.time.length).toBe(times.size);
    for (let i = 1; i < result.equity.time.length; i++) {
      expect(result.equity.time[i]).toBeGreaterThan(result.equity.time[i - 1] as number);
    }
    expect(new Set(result.trades.map((t) => t.symbol))).toEqual(new Set(['A-USDT', 'B-USDT']));
  });

  it('refuses no data, empty series and a symbol given twice', () => {
    const a = syntheticMarket({ candles: 10 });
    expect(() => runBacktest([], smaCross())).toThrow(BacktestError);
    expect(() => runBacktest([sliceSeries(a, 0, 0)], smaCross())).toThrow('empty');
    expect(() => runBacktest([a, a], smaCross())).toThrow('given twice');
    expect(() => runBacktest([a], smaCross(), { initialCashQuote: -1 })).toThrow('positive');
  });
});

/** A strategy that buys and sells at random (seeded) exposures: stresses sizing, broker and ledger together. */
function randomTrader(seed: number): StrategyFactory {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return () => ({
    name: 'random',
    warmupCandles: 0,
    onCandle(_context: DecisionContext, out: Decision) {
      const roll = next();
      out.action = roll < 0.1 ? 'buy' : roll < 0.2 ? 'sell' : 'hold';
      out.targetExposure = next();
      out.confidence = 1;
      out.reason = 'random';
    },
  });
}

describe('runBacktest invariants', () => {
  it('never lets cash go negative and keeps the books consistent, whatever the strategy does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.double({ min: 0, max: 0.01, noNaN: true }), (seed, fee) => {
        const series = syntheticMarket({ candles: 600, seed: seed + 1 });
        const result = runBacktest([series], randomTrader(seed), {
          initialCashQuote: 500,
          costs: { takerFeeRate: fee, slippageBps: 5, maxVolumeParticipation: 0.5 },
        });
        for (const value of result.equity.equity) expect(value).toBeGreaterThan(0);
        const pnl = result.trades.reduce((sum, t) => sum + t.pnl, 0);
        expect(pnl).toBeCloseTo(result.metrics.endEquity - 500, 6);
      }),
      { numRuns: 30 },
    );
  });
});
