import { describe, expect, it } from 'vitest';
import { syntheticMarket } from '../market/synthetic.ts';
import { smaCross } from '../strategy/sma-cross.ts';
import type { Decision, DecisionContext, StrategyFactory } from '../strategy/types.ts';
import { checkLookahead } from './lookahead.ts';

/** Buys when the NEXT close is higher: the classic look-ahead bug. */
const peeksAtNextClose: StrategyFactory = () => ({
  name: 'peeks',
  warmupCandles: 0,
  onCandle({ series, index }: DecisionContext, out: Decision) {
    const next = series.close[index + 1];
    const rising = next !== undefined && next > (series.close[index] as number);
    out.action = rising ? 'buy' : 'sell';
    out.targetExposure = rising ? 1 : 0;
    out.confidence = 1;
    out.reason = 'peeks';
  },
});

describe('checkLookahead', () => {
  const a = syntheticMarket({ candles: 3000, seed: 5, symbol: 'A-USDT' });
  const b = syntheticMarket({ candles: 3000, seed: 6, symbol: 'B-USDT' });

  it('passes sma-cross, which only reads closed candles', () => {
    const report = checkLookahead([a, b], smaCross({ fast: 5, slow: 20 }), { cuts: 10 });
    expect(report.firstDifference).toBeNull();
    expect(report.decisionsCompared).toBeGreaterThan(10_000);
  });

  it('names the first decision of a strategy that reads the next candle', () => {
    const report = checkLookahead([a], peeksAtNextClose, { cuts: 10 });
    const difference = report.firstDifference;
    expect(difference).not.toBeNull();
    // The decision that differs is the last one before the cut: the candle it peeked at was cut away.
    expect(difference?.time).toBe(difference?.cutTime);
    expect(difference?.symbol).toBe('A-USDT');
  });

  it('replays the same cut points from the same seed', () => {
    const first = checkLookahead([a], smaCross(), { cuts: 5, seed: 9 });
    const second = checkLookahead([a], smaCross(), { cuts: 5, seed: 9 });
    expect(second.cuts).toEqual(first.cuts);
  });
});
