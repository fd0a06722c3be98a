/**
 * Holding discipline shared by the rule agents (issue #3: fees from churn dominated every agent on hourly candles,
 * ~1,700 round trips of ~5 hours on BTC 2018–2025). Per symbol, the agent remembers whether it is long and for how
 * many candles; applied to the decision the policy just wrote:
 * - long: another buy is a hold (no top-ups: a position changes only on entry and exit), and a sell is a hold until
 *   the position is MIN_HOLDING_CANDLES old — a trade costs 0.2 % round trip, a few hours of drift never pays it;
 * - flat: a buy opens the position; a sell passes through (nothing to sell, but the vote still says "stay out").
 * State is one Int32Array per agent: no allocation per candle.
 */
import type { Decision } from '../strategy/types.ts';

/** Three days of hourly candles: the shortest holding period an agent's own exit may end (design period choice). */
export const MIN_HOLDING_CANDLES = 72;

const FLAT = -1;

export class HoldingPeriod {
  /** Per symbol: candles since entry while long, FLAT otherwise. */
  private readonly candlesHeld: Int32Array;
  private readonly minHoldingCandles: number;
  private readonly alreadyLongReason: string;
  private readonly tooEarlyReason: string;

  constructor(agentName: string, symbolCount: number, minHoldingCandles = MIN_HOLDING_CANDLES) {
    this.candlesHeld = new Int32Array(symbolCount).fill(FLAT);
    this.minHoldingCandles = minHoldingCandles;
    this.alreadyLongReason = `${agentName}: holding the position`;
    this.tooEarlyReason = `${agentName}: holding for the minimum period`;
  }

  /** Rewrites `out` (the policy's raw decision for the symbol's candle) by the holding rules above. */
  apply(symbolIndex: number, out: Decision): void {
    const held = this.candlesHeld[symbolIndex] as number;
    if (held === FLAT) {
      if (out.action === 'buy') this.candlesHeld[symbolIndex] = 0;
      return;
    }
    this.candlesHeld[symbolIndex] = held + 1;
    if (out.action === 'buy') this.hold(out, this.alreadyLongReason);
    else if (out.action === 'sell') {
      if (held + 1 < this.minHoldingCandles) this.hold(out, this.tooEarlyReason);
      else this.candlesHeld[symbolIndex] = FLAT;
    }
  }

  isLong(symbolIndex: number): boolean {
    return (this.candlesHeld[symbolIndex] as number) !== FLAT;
  }

  private hold(out: Decision, reason: string): void {
    out.action = 'hold';
    out.targetExposure = Number.NaN;
    out.confidence = 0;
    out.reason = reason;
  }
}
