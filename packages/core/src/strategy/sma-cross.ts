/**
 * sma-cross, the textbook strategy other backtesters implement, so Keel's results can be compared with theirs.
 * Long-only, all in: on a candle where fast SMA > slow SMA and the last non-zero (fast − slow) before that candle
 * was negative, buy with all the cash; on a candle where fast < slow and the last non-zero difference before it was
 * positive, sell the whole position. The pipeline turns these into market orders filled at the next candle's open.
 * The first difference seen only sets the sign: a cross needs a sign change.
 */
import { SimpleMovingAverage } from '../indicators/sma.ts';
import type { Decision, DecisionContext, Strategy, StrategyFactory } from './types.ts';
import { holdDecision } from './types.ts';

export interface SmaCrossOptions {
  /** Fast SMA period in candles; default 10. */
  fast?: number;
  /** Slow SMA period in candles; default 30. */
  slow?: number;
}

export class StrategyOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StrategyOptionsError';
  }
}

const DEFAULT_FAST = 10;
const DEFAULT_SLOW = 30;

interface SymbolState {
  fast: SimpleMovingAverage;
  slow: SimpleMovingAverage;
  /** Sign of the last non-zero fast − slow: -1, 0 (none yet) or 1. */
  lastSign: number;
}

export function smaCross(options: SmaCrossOptions = {}): StrategyFactory {
  const fast = options.fast ?? DEFAULT_FAST;
  const slow = options.slow ?? DEFAULT_SLOW;
  if (!(Number.isInteger(fast) && Number.isInteger(slow) && fast >= 1 && slow >= 2)) {
    throw new StrategyOptionsError(
      `sma-cross periods must be whole numbers ≥ 1 (fast) and ≥ 2 (slow); got ${fast}/${slow}`,
    );
  }
  if (fast >= slow) throw new StrategyOptionsError(`sma-cross needs fast < slow; got fast ${fast}, slow ${slow}`);
  const buyReason = `SMA${fast} crossed above SMA${slow}`;
  const sellReason = `SMA${fast} crossed below SMA${slow}`;

  return (symbols: readonly string[]): Strategy => {
    const states: SymbolState[] = symbols.map(() => ({
      fast: new SimpleMovingAverage({ period: fast }),
      slow: new SimpleMovingAverage({ period: slow }),
      lastSign: 0,
    }));
    return {
      name: `sma-cross(${fast},${slow})`,
      warmupCandles: slow,
      onCandle(context: DecisionContext, out: Decision): void {
        const state = states[context.symbolIndex] as SymbolState;
        const { fast, slow } = state;
        // By column and index, so that no price is boxed on its way into an update (see updateFrom).
        fast.updateFrom(context.series.close, context.index);
        slow.updateFrom(context.series.close, context.index);
        const difference = fast.value - slow.value;
        const sign = difference > 0 ? 1 : difference < 0 ? -1 : 0;
        const previous = state.lastSign;
        if (sign !== 0) state.lastSign = sign;
        if (sign === 1 && previous === -1) {
          out.action = 'buy';
          out.targetExposure = 1;
          out.confidence = 1;
          out.reason = buyReason;
        } else if (sign === -1 && previous === 1) {
          out.action = 'sell';
          out.targetExposure = 0;
          out.confidence = 1;
          out.reason = sellReason;
        } else holdDecision(out);
      },
    };
  };
}
