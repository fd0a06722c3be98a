/**
 * Buy-and-hold as a strategy, the evaluation's baseline: all in on the first candle it may trade, then nothing
 * (a buy at the full target with no free cash left sizes to no order). Run through the same backtester, it pays
 * the same fees and slippage on its entry as every other strategy.
 */
import type { Decision, Strategy, StrategyFactory } from '../strategy/types.ts';

export const BUY_AND_HOLD = 'buy-and-hold';

class BuyAndHold implements Strategy {
  readonly name = BUY_AND_HOLD;
  readonly warmupCandles = 0;

  onCandle(_context: unknown, out: Decision): void {
    out.action = 'buy';
    out.targetExposure = 1;
    out.confidence = 1;
    out.reason = 'buy-and-hold: stay fully invested';
  }
}

export const buyAndHold: StrategyFactory = () => new BuyAndHold();
