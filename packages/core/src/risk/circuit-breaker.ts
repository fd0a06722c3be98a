/**
 * The portfolio circuit breaker: a named state machine on the drawdown from the equity PEAK (not from the start,
 * the mistake of hummingbot#2969, where a kill switch measured from the start let a user give back 33%).
 *
 *   ACTIVE ──dd ≥ 5%──▶ REDUCED ──dd ≥ 10%──▶ CONSERVATIVE ──dd ≥ 15%──▶ HALTED
 *
 * drawdownFromPeak = 1 − equity / peak, the peak being the highest equity seen since the start (or since the last
 * explicit reset). Thresholds are inclusive, with DRAWDOWN_TOLERANCE for floating-point rounding, so equity
 * exactly 5% under its peak trips REDUCED whatever its binary representation. A candle whose drawdown crosses
 * several thresholds jumps straight to the highest level it reached (one transition).
 *
 * Recovery rule: the breaker steps back ONE level after the drawdown has stayed at least `recoveryBand` below the
 * current level's threshold for `recoveryCandles` candles in a row (e.g. REDUCED → ACTIVE after 24 candles under
 * 3%). HALTED does not recover on its own unless `haltedRecovers`; only `reset` (an explicit, audited action by a
 * named person) brings it back, and a reset re-bases the peak to the current equity: the loss is accepted, and
 * the breaker measures from there (otherwise it would trip again at once).
 *
 * What each state does to orders is the risk manager's business (risk-manager.ts); this file only decides the
 * state. Pure and O(1) per candle.
 */
import { percent } from './format.ts';
import type { BreakerState } from './types.ts';

export const BREAKER_STATES: readonly BreakerState[] = ['ACTIVE', 'REDUCED', 'CONSERVATIVE', 'HALTED'];

/** Rounding slack on the inclusive thresholds (a relative drawdown, far below any meaningful move). */
export const DRAWDOWN_TOLERANCE = 1e-12;

export interface CircuitBreakerOptions {
  /** Drawdown from peak that trips REDUCED; default 0.05. */
  reducedAt: number;
  /** Default 0.10. */
  conservativeAt: number;
  /** Default 0.15. */
  haltedAt: number;
  /** How far below the current level's threshold the drawdown must stay to step back; default 0.02. */
  recoveryBand: number;
  /** Candles in a row the drawdown must stay there; default 24. */
  recoveryCandles: number;
  /** Whether HALTED steps back on the recovery rule too; default false (only an explicit reset). */
  haltedRecovers: boolean;
}

export const CIRCUIT_BREAKER_DEFAULTS: CircuitBreakerOptions = {
  reducedAt: 0.05,
  conservativeAt: 0.1,
  haltedAt: 0.15,
  recoveryBand: 0.02,
  recoveryCandles: 24,
  haltedRecovers: false,
};

export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  reason: string;
  drawdownFromPeak: number;
  peakEquityQuote: number;
}

/** The level a drawdown calls for (inclusive thresholds). */
export function breakerLevelFor(drawdownFromPeak: number, options: CircuitBreakerOptions): BreakerState {
  const dd = drawdownFromPeak + DRAWDOWN_TOLERANCE;
  if (dd >= options.haltedAt) return 'HALTED';
  if (dd >= options.conservativeAt) return 'CONSERVATIVE';
  if (dd >= options.reducedAt) return 'REDUCED';
  return 'ACTIVE';
}

function thresholdOf(state: BreakerState, options: CircuitBreakerOptions): number {
  if (state === 'REDUCED') return options.reducedAt;
  if (state === 'CONSERVATIVE') return options.conservativeAt;
  if (state === 'HALTED') return options.haltedAt;
  return 0;
}

function rank(state: BreakerState): number {
  return BREAKER_STATES.indexOf(state);
}

export class CircuitBreaker {
  readonly options: CircuitBreakerOptions;
  state: BreakerState = 'ACTIVE';
  peakEquityQuote = Number.NaN;
  drawdownFromPeak = 0;
  private calmCandles = 0;

  constructor(options: CircuitBreakerOptions = CIRCUIT_BREAKER_DEFAULTS) {
    this.options = options;
  }

  /** One candle's equity (finite, ≥ 0); returns the transition it caused, or null. */
  update(equityQuote: number): BreakerTransition | null {
    if (!(equityQuote <= this.peakEquityQuote)) this.peakEquityQuote = equityQuote;
    const peak = this.peakEquityQuote;
    const drawdown = peak > 0 ? 1 - equityQuote / peak : 0;
    this.drawdownFromPeak = drawdown;
    const level = breakerLevelFor(drawdown, this.options);
    const from = this.state;
    if (rank(level) > rank(from)) {
      this.state = level;
      this.calmCandles = 0;
      return this.transition(
        from,
        level,
        `drawdown ${percent(drawdown)} from peak ${peak.toFixed(2)} reached the ${level} threshold ${percent(thresholdOf(level, this.options))}`,
      );
    }
    if (from === 'ACTIVE' || (from === 'HALTED' && !this.options.haltedRecovers)) return null;
    const ceiling = thresholdOf(from, this.options) - this.options.recoveryBand;
    this.calmCandles = drawdown < ceiling ? this.calmCandles + 1 : 0;
    if (this.calmCandles < this.options.recoveryCandles) return null;
    const to = BREAKER_STATES[rank(from) - 1] as BreakerState;
    this.state = to;
    this.calmCandles = 0;
    return this.transition(
      from,
      to,
      `recovery: drawdown stayed under ${percent(ceiling)} (${from} threshold ${percent(thresholdOf(from, this.options))} − band ${percent(this.options.recoveryBand)}) for ${this.options.recoveryCandles} candles; now ${percent(drawdown)}`,
    );
  }

  /** The explicit, audited way back: ACTIVE, with the peak re-based to `equityQuote`. */
  reset(equityQuote: number, actor: string, why: string): BreakerTransition {
    const from = this.state;
    this.state = 'ACTIVE';
    this.calmCandles = 0;
    this.peakEquityQuote = equityQuote;
    this.drawdownFromPeak = 0;
    return this.transition(from, 'ACTIVE', `reset by ${actor}: ${why}; peak re-based to ${equityQuote.toFixed(2)}`);
  }

  private transition(from: BreakerState, to: BreakerState, reason: string): BreakerTransition {
    return { from, to, reason, drawdownFromPeak: this.drawdownFromPeak, peakEquityQuote: this.peakEquityQuote };
  }
}
