/**
 * The circuit breaker on a real crash: BTC/USDT hourly, March 2020 (COVID: −50% in a week), an always-long
 * strategy, no stops, no caps: the breaker alone must act, at exactly the first candle whose drawdown from the
 * equity peak reaches each threshold, and no order may go out after HALTED but the flattening.
 */
import { describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { runBacktest } from '../backtest/engine.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import { sliceSeries } from '../market/types.ts';
import type { StrategyFactory } from '../strategy/types.ts';
import { DRAWDOWN_TOLERANCE } from './circuit-breaker.ts';
import { NO_PLATFORM_LIMITS } from './risk-config.ts';
import { RiskManager } from './risk-manager.ts';

const alwaysLong: StrategyFactory = () => ({
  name: 'always-long',
  warmupCandles: 0,
  onCandle(_context, out) {
    out.action = 'buy';
    out.targetExposure = 1;
    out.confidence = 1;
    out.reason = 'always long';
  },
});

describe.skipIf(!hasSharedData())('crash replay: BTC/USDT, March 2020', () => {
  const btc = loadCandlesCsv(dataFile('BTC-USDT_1h.csv'));
  const from = btc.time.indexOf(Date.UTC(2020, 2, 1));
  const to = btc.time.indexOf(Date.UTC(2020, 2, 20));
  const crash = sliceSeries(btc, from, to);
  const risk = new RiskManager({
    platform: NO_PLATFORM_LIMITS,
    bot: {
      stopLossFraction: null,
      takeProfitFraction: null,
      breakerReducedAt: 0.05,
      breakerConservativeAt: 0.1,
      breakerHaltedAt: 0.15,
    },
  });
  const result = runBacktest([crash], alwaysLong, { risk, recordDecisions: true });
  const { time, equity } = result.equity;

  /** Index of the first equity point whose drawdown from the running peak reaches `threshold`. */
  function firstAt(threshold: number): number {
    let peak = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < equity.length; i++) {
      peak = Math.max(peak, equity[i] as number);
      if (1 - (equity[i] as number) / peak + DRAWDOWN_TOLERANCE >= threshold) return i;
    }
    return -1;
  }

  const transitions = result.riskEvents.filter((e) => e.type === 'breaker');
  const halted = transitions.find((e) => e.to === 'HALTED');

  it('trips each breaker level at exactly the first candle its drawdown from peak is reached', () => {
    expect(transitions.map((e) => `${e.from}→${e.to}`)).toEqual([
      'ACTIVE→REDUCED',
      'REDUCED→CONSERVATIVE',
      'CONSERVATIVE→HALTED',
    ]);
    [0.05, 0.1, 0.15].forEach((threshold, level) => {
      const index = firstAt(threshold);
      expect(index).toBeGreaterThan(0);
      expect(transitions[level]?.time).toBe(time[index]);
      expect(transitions[level]?.equity).toBe(equity[index]);
    });
    expect(halted?.time).toBe(Date.UTC(2020, 2, 9, 14));
    expect(halted?.reason).toMatch(/^drawdown 15\.\d\d% from peak [\d.]+ reached the HALTED threshold 15\.00%$/);
  });

  it('places no order after HALTED but the flattening, and stays flat', () => {
    const haltTime = halted?.time as number;
    const after = result.fills.filter((f) => f.time > haltTime);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((f) => f.side === 'sell' && f.clientOrderId.endsWith(':flatten'))).toBe(true);
    expect(after.every((f) => f.time === after[0]?.time)).toBe(true); // sold at the next candle's open
    const decisionsAfter = result.decisions.filter((d) => d.time > haltTime);
    expect(decisionsAfter.length).toBeGreaterThan(200);
    for (const record of decisionsAfter) {
      expect(record.verdict?.kind).toBe('reject');
      expect(record.verdict?.reasons[0]).toMatch(/^breaker HALTED: /);
    }
    const flatFrom = time.indexOf(after[0]?.time as number);
    const last = equity[equity.length - 1] as number;
    expect(equity.subarray(flatFrom).every((value) => value === last)).toBe(true);
    // The market kept falling: flattening at 15% avoided the rest of the crash.
    const lowestClose = Math.min(...crash.close);
    expect(lowestClose / (crash.close[0] as number)).toBeLessThan(0.6);
    expect(last / (equity[0] as number)).toBeGreaterThan(0.8);
  });
});
