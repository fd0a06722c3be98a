import type { CandleSeries } from '../market/types.ts';
import type { RiskMode } from '../risk/types.ts';

export type Action = 'buy' | 'sell' | 'hold';

/**
 * What a strategy or agent wants after a candle closes. Strategies write into a reused object so the
 * decision path allocates nothing per candle.
 */
export interface Decision {
  action: Action;
  /** Desired position value as a fraction of equity, 0 (flat) to 1 (all in); long-only spot. */
  targetExposure: number;
  /** How sure the strategy is, 0 to 1; the risk stage refuses new positions below its minimum. */
  confidence: number;
  /** A short human-readable why, for the audit trail. */
  reason: string;
}

export interface DecisionContext {
  symbolIndex: number;
  series: CandleSeries;
  /** Index of the candle that just closed. A strategy may read candles [0, index] only: later ones are the future. */
  index: number;
  /** The symbol's normalised feature vector at `index`, or null when the pipeline runs without features. */
  features: Float32Array | null;
  /**
   * Market signals from outside the exchange (signals/signal-vector.ts: value + availability per SIGNAL_NAMES),
   * read with `signalValue`. The pipeline always sets it; all masked in backtests. Undefined in a context built by
   * hand, which reads as all masked.
   */
  signals?: Float32Array;
  positionQtyBase: number;
  equityQuote: number;
  /**
   * The risk stage's current mode when it has one (the risk manager's breaker): the meta-agent lets only the agents
   * it allows vote. Undefined with a stage without controls (approveAll): any agent may vote.
   */
  riskMode?: RiskMode;
}

/** One strategy instance runs one backtest or one bot; it keeps per-symbol state indexed by `symbolIndex`. */
export interface Strategy {
  readonly name: string;
  /** Candles needed before the first meaningful decision. */
  readonly warmupCandles: number;
  /** Called once per closed candle of each symbol, in time order. */
  onCandle(context: DecisionContext, out: Decision): void;
}

export type StrategyFactory = (symbols: readonly string[]) => Strategy;

export function holdDecision(out: Decision, reason = ''): void {
  out.action = 'hold';
  out.targetExposure = Number.NaN;
  out.confidence = 0;
  out.reason = reason;
}
