/**
 * The risk stage's contract: every order intent passes one risk stage before execution, in the backtester and
 * the live worker alike. It approves, resizes or rejects, and says why (the reasons go into the decision's
 * rationale record).
 *
 * A stage that only reviews orders (approveAll) implements RiskStage. The risk manager also implements
 * RiskControls: detective hooks the driver (backtester or live worker) calls every candle, and corrective actions
 * (protective stops, breaker flattening, kill switch) it takes through an ExecutionPort.
 */
import type { Fill, OrderRequest, OrderState } from '../execution/types.ts';
import type { CandleSeries } from '../market/types.ts';
import type { Decision } from '../strategy/types.ts';

export type RiskVerdictKind = 'approve' | 'resize' | 'reject';

/** The portfolio circuit breaker's states, from normal trading to no new orders (circuit-breaker.ts). */
export type BreakerState = 'ACTIVE' | 'REDUCED' | 'CONSERVATIVE' | 'HALTED';

/**
 * What the current risk state lets the decision stage do; the meta-agent reads it to choose which agents may vote.
 * One constant object per state, so a verdict carrying it allocates nothing.
 */
export interface RiskMode {
  readonly breaker: BreakerState;
  /** 'any' agent; 'conservative' only (breaker CONSERVATIVE); 'none' (halted, paused or kill switch engaged). */
  readonly allowedAgents: 'any' | 'conservative' | 'none';
  /** Multiplies the position-size caps: 1, or 0.5 while the breaker is REDUCED. */
  readonly sizeMultiplier: number;
  /** Only orders that reduce exposure (sells) pass. */
  readonly reducingOnly: boolean;
}

export interface RiskVerdict {
  kind: RiskVerdictKind;
  /** The order to send: the intent itself, a smaller one, or null when rejected. */
  order: OrderRequest | null;
  /** Why, one entry per rule that acted, naming the rule and its numbers; empty on a plain approval. */
  reasons: string[];
  /** The risk state the verdict was given in; absent from stages without one (approveAll). */
  mode?: RiskMode;
}

export interface PortfolioView {
  equityQuote: number;
  cashQuote: number;
  positionQtyBase(symbol: string): number;
  markPrice(symbol: string): number;
}

export interface RiskStage {
  readonly name: string;
  review(intent: OrderRequest, decision: Decision, portfolio: PortfolioView, time: number): RiskVerdict;
}

/**
 * Where corrective orders go: the paper broker in backtests and paper trading, the exchange adapter live. The
 * PaperBroker implements it as is. `submit` throws when the venue refuses the order outright; a refusal after
 * acceptance shows as status 'rejected'.
 */
export interface ExecutionPort {
  submit(order: OrderRequest, decisionTime: number): Readonly<OrderState>;
  cancel(clientOrderId: string): boolean;
  order(clientOrderId: string): Readonly<OrderState> | undefined;
  /** Orders still working; called only on rare paths (kill switch), never per candle. */
  openOrders(): readonly Readonly<OrderState>[];
}

/** What one run of the controls trades: given once by the driver before the first candle. */
export interface RiskSession {
  /** Prefix of the controls' client order ids and the kill switch's bot scope. */
  botId: string;
  /** The markets, in the order the driver numbers them (the symbolIndex of onCandle). */
  symbols: readonly string[];
  /** Candle length of each symbol, ms (same order). */
  candleMs: readonly number[];
  execution: ExecutionPort;
}

export type RiskEventType =
  /** The circuit breaker changed state on its own rules (from/to: states). */
  | 'breaker'
  /** An explicit, audited breaker reset by a person (from/to: states; reason names the actor). */
  | 'breaker-reset'
  /** An order was made smaller (from/to: sizes). */
  | 'resize'
  /** An order was refused (from: its size). */
  | 'reject'
  /** A detector flagged the data or the agent output (to: the detector). */
  | 'anomaly'
  | 'pause'
  | 'resume'
  | 'kill-switch'
  | 'kill-switch-release'
  /** Positions closed at market by the controls (halt or kill switch). */
  | 'flatten'
  /** A protective order filled. */
  | 'stop-loss'
  | 'take-profit'
  | 'trailing-stop'
  /** Placing a protective stop failed: the position is exited at market. */
  | 'stop-failed';

/**
 * One entry of the risk audit trail. `time` is ms UTC: for detective and corrective events, the open time of the
 * candle that closed (the equity curve's label for it); for order reviews, the decision time (that candle's close).
 */
export interface RiskEvent {
  time: number;
  type: RiskEventType;
  from: string | null;
  to: string | null;
  reason: string;
  /** Portfolio equity when the event happened, when known. */
  equity: number | null;
  /** The market concerned, or null for portfolio-wide events. */
  symbol: string | null;
}

/**
 * The detective and corrective side of a risk stage. The driver calls, per time step t: broker fills (onFill for
 * each), then onCandle for every symbol with a candle at t, then onTimeStep(t), then the pipeline (review) and,
 * for each order it submits, onSubmitted.
 */
export interface RiskControls extends RiskStage {
  /** Starts a run: forgets every per-run state (positions, histories, breaker, events). */
  start(session: RiskSession): void;
  onFill(fill: Fill): void;
  /** Candle `index` of `series` closed; marks already include it. */
  onCandle(symbolIndex: number, series: CandleSeries, index: number, portfolio: PortfolioView): void;
  /** Every symbol's candle at `time` is in: portfolio checks, breaker, kill switch, protective orders. */
  onTimeStep(time: number, portfolio: PortfolioView): void;
  /** The driver sent `order` (approved by review) at decisionTime. */
  onSubmitted(order: OrderRequest, decisionTime: number): void;
  readonly mode: RiskMode;
  /** The audit trail of this run, oldest first. */
  readonly events: readonly RiskEvent[];
}

export function isRiskControls(stage: RiskStage): stage is RiskControls {
  return typeof (stage as Partial<RiskControls>).onTimeStep === 'function';
}

/**
 * One buy as the sizing rules see it (sells reduce exposure and pass them). Each rule is a pure function of this
 * and its own options, returning the largest spend it allows, or null when it does not bind.
 */
export interface BuyCheck {
  symbol: string;
  symbolIndex: number;
  /** Quote the order would spend (fees included), after the rules applied before this one. */
  quoteQty: number;
  /** The symbol's mark (last close). */
  priceQuote: number;
  equityQuote: number;
  /** Free cash: the account's cash less buys submitted and not yet filled. */
  cashQuote: number;
  /** The symbol's position value plus its buys submitted and not yet filled. */
  positionValueQuote: number;
  /** The decision's confidence, 0 to 1. */
  confidence: number;
  /** 1, or 0.5 while the breaker is REDUCED: multiplies the position-size caps. */
  sizeMultiplier: number;
}

/** A rule binding on a buy: it may spend at most maxQuote (≤ 0: refused), and why. */
export interface SizeLimit {
  rule: string;
  maxQuote: number;
  reason: string;
}
