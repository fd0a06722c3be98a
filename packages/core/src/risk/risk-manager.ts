/**
 * The risk manager: the one risk stage every order intent passes, in the backtester and the live worker alike,
 * composing the rules of this folder (each a small pure function with its own tests).
 *
 * Preventive, per order (review), in this order; the first refusal ends the review:
 *   input checks (RiskInputError: NaN prices, negative equity, unknown symbols — never an approved order) →
 *   agent output in range (anomalies/agent-output.ts) → kill switch, pause, breaker HALTED (no new orders) →
 *   sells: exchange constraints only (getting out is always allowed while trading is) →
 *   buys: breaker CONSERVATIVE refuses them (reducing orders only) → min-confidence → kelly-sizing →
 *   position-cap → correlation-limit → var-limit → exchange-constraints.
 *   Each sizing rule may only shrink the buy; the verdict is approve (untouched), resize or reject, with one
 *   reason per rule that acted, naming its numbers. Resizes and rejections are also RiskEvents.
 * Detective, per candle (onCandle, onTimeStep): returns history → correlation matrix and VaR; P&L, drawdown
 *   from peak, exposure, Sharpe (snapshot()); anomaly detectors (anomalies/), which flag and, for the kinds in
 *   `anomalies.pauseOn`, pause the bot until resume().
 * Corrective: protective stops (protective-stops.ts); the circuit breaker (circuit-breaker.ts) — REDUCED halves
 *   the position caps, CONSERVATIVE admits only reducing orders (and tells the meta-agent, through `mode`, to use
 *   the conservative agent only), HALTED refuses every new order, cancels pending entries and flattens (or holds,
 *   per `onHalt`) with a notification; the kill switch (kill-switch.ts).
 *
 * Defaults: PLATFORM_RISK_LIMITS (10% per position, 10% per correlated cluster at r > 0.7, confidence ≥ 0.6, half
 * Kelly, one-day VaR 95% ≤ 3% and 99% ≤ 5% of equity, breaker at 5/10/15% drawdown from peak) and
 * BotRiskConfig's (stop loss 5%, take profit 10%, no trailing stop, flatten on halt, 500-candle window).
 */
import type { Fill, OrderRequest } from '../execution/types.ts';
import { RollingCorrelation } from '../indicators/rolling-correlation.ts';
import type { CandleSeries, OrderBookSnapshot } from '../market/types.ts';
import type { Decision } from '../strategy/types.ts';
import { agentOutputProblem } from './anomalies/agent-output.ts';
import { CandleGapDetector } from './anomalies/candle-gaps.ts';
import { PriceJumpDetector } from './anomalies/price-jump.ts';
import { SPREAD_BLOWOUT_DEFAULTS, SpreadBlowoutDetector } from './anomalies/spread-blowout.ts';
import type { AnomalyKind } from './anomalies/types.ts';
import { VolumeSpikeDetector } from './anomalies/volume-spike.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { type CorrelationLimitOptions, correlatedExposureLimit } from './correlation-limit.ts';
import { RiskConfigError, RiskInputError } from './errors.ts';
import { applyExchangeConstraints, type ResolvedExchangeRules, resolveExchangeRules } from './exchange-constraints.ts';
import { percent, quote } from './format.ts';
import { checkAccount, checkIntent, checkMark, readPositions } from './input-checks.ts';
import { emptyTradeStats, type KellyOptions, kellyLimit, recordRoundTrip, type TradeStats } from './kelly-sizing.ts';
import { KillSwitchBoard, type KillSwitchEngagement } from './kill-switch.ts';
import { minConfidenceLimit } from './min-confidence.ts';
import { PendingBuys } from './pending-buys.ts';
import { PortfolioMonitor } from './portfolio-monitor.ts';
import { emptyVarMeasure, PortfolioVar, type VarMeasure } from './portfolio-var.ts';
import { positionCapLimit } from './position-cap.ts';
import { ProtectiveOrders } from './protective-stops.ts';
import { ReturnHistory } from './return-history.ts';
import {
  type BotRiskConfig,
  PLATFORM_RISK_LIMITS,
  type PlatformRiskLimits,
  type ResolvedRiskConfig,
  resolveRiskConfig,
} from './risk-config.ts';
import { riskModeFor } from './risk-mode.ts';
import { RoundTrips } from './round-trips.ts';
import type {
  BreakerState,
  BuyCheck,
  ExecutionPort,
  PortfolioView,
  RiskControls,
  RiskEvent,
  RiskEventType,
  RiskMode,
  RiskSession,
  RiskVerdict,
  SizeLimit,
} from './types.ts';
import { type VarLimitOptions, varLimit } from './var-limit.ts';

export interface RiskNotice {
  time: number;
  botId: string;
  severity: 'warning' | 'critical';
  message: string;
}

export interface RiskManagerOptions {
  /** The deployment's caps; default PLATFORM_RISK_LIMITS. Set by the platform, never by the bot's user. */
  platform?: PlatformRiskLimits;
  /** This bot's settings, which may only tighten the platform's (RiskConfigError otherwise). */
  bot?: BotRiskConfig;
  /** The bot's owner, for the user-scope kill switch; default 'local'. */
  userId?: string;
  /** The kill switches shared by the process; default a board of this manager's own. */
  killSwitch?: KillSwitchBoard;
  /** The notification channel (HALTED, kill switch, pause, failed stops); default none. */
  notify?: (notice: RiskNotice) => void;
  /** Every event as it happens (the worker writes them to the audit trail); default none. */
  onEvent?: (event: RiskEvent) => void;
  /**
   * Keep every event in `events` (default true: a backtest reports them). A long-running bot streams them through
   * onEvent instead and sets false, so its memory does not grow with its history.
   */
  retainEvents?: boolean;
}

export interface RiskSnapshot {
  time: number;
  equityQuote: number;
  /** Equity − equity at the start of the session. */
  pnlQuote: number;
  peakEquityQuote: number;
  drawdownFromPeak: number;
  exposureQuote: number;
  exposureFraction: number;
  /** One-day VaR of the current portfolio, fraction of equity; null until the window holds two returns. */
  historicalVar95: number | null;
  historicalVar99: number | null;
  parametricVar95: number | null;
  parametricVar99: number | null;
  sharpe: number | null;
  breaker: BreakerState;
  paused: boolean;
  killSwitch: KillSwitchEngagement | null;
}

const DAY_MS = 86_400_000;
const MANAGER_ACTOR = 'risk-manager';

/** Everything that lives for one session (start() builds it afresh). */
interface SessionState {
  session: RiskSession;
  port: ExecutionPort;
  symbols: readonly string[];
  indexOf: Map<string, number>;
  rules: ResolvedExchangeRules[];
  history: ReturnHistory;
  correlation: RollingCorrelation;
  portfolioVar: PortfolioVar;
  stepReturns: Float64Array;
  lastClose: Float64Array;
  lastHigh: Float64Array;
  lastLow: Float64Array;
  hadCandle: Uint8Array;
  heldQty: Float64Array;
  /** Reference price of positions held without a fill seen (opened before the session); NaN otherwise. */
  unknownEntry: Float64Array;
  values: Float64Array;
  pendingBuys: PendingBuys;
  breaker: CircuitBreaker;
  monitor: PortfolioMonitor;
  stepVar: VarMeasure;
  gaps: CandleGapDetector[];
  jumps: PriceJumpDetector[];
  volumes: VolumeSpikeDetector[];
  spreads: (SpreadBlowoutDetector | null)[];
  roundTrips: RoundTrips;
  stats: TradeStats;
  protective: ProtectiveOrders;
  events: RiskEvent[];
  paused: { actor: string; reason: string; time: number } | null;
  killActedSerial: number;
  lastTime: number;
  lastEquity: number;
}

export class RiskManager implements RiskControls {
  readonly name = 'risk-manager';
  readonly config: ResolvedRiskConfig;
  private readonly options: RiskManagerOptions;
  private readonly userId: string;
  private readonly killSwitch: KillSwitchBoard;
  private state: SessionState | null = null;
  private readonly check: BuyCheck = {
    symbol: '',
    symbolIndex: 0,
    quoteQty: 0,
    priceQuote: 0,
    equityQuote: 0,
    cashQuote: 0,
    positionValueQuote: 0,
    confidence: 0,
    sizeMultiplier: 1,
  };
  private readonly varScratch: VarMeasure = emptyVarMeasure();
  private readonly kellyOptions: KellyOptions | null;
  private readonly correlationOptions: CorrelationLimitOptions | null;
  private readonly varOptions: VarLimitOptions;

  /** Throws RiskConfigError for a setting out of range or looser than the platform's. */
  constructor(options: RiskManagerOptions = {}) {
    this.options = options;
    this.config = resolveRiskConfig(options.platform ?? PLATFORM_RISK_LIMITS, options.bot ?? {});
    this.userId = options.userId ?? 'local';
    this.killSwitch = options.killSwitch ?? new KillSwitchBoard();
    const config = this.config;
    this.kellyOptions =
      config.kellyMultiplier === null
        ? null
        : {
            multiplier: config.kellyMultiplier,
            minTrades: config.kellyMinTrades,
            priorPayoff: config.kellyPriorPayoff,
          };
    this.correlationOptions =
      config.maxCorrelatedExposureFraction === null
        ? null
        : { threshold: config.correlationThreshold, maxFraction: config.maxCorrelatedExposureFraction };
    this.varOptions = {
      maxVar95Fraction: config.maxVar95Fraction,
      maxVar99Fraction: config.maxVar99Fraction,
      minSamples: config.minVarSamples,
    };
  }

  // ── session ──

  start(session: RiskSession): void {
    const config = this.config;
    const symbols = [...session.symbols];
    const count = symbols.length;
    if (count === 0) throw new RiskConfigError('session.symbols', 'give at least one symbol');
    if (session.candleMs.length !== count) {
      throw new RiskConfigError(
        'session.candleMs',
        `needs one candle length per symbol (${count}), got ${session.candleMs.length}`,
      );
    }
    const indexOf = new Map(symbols.map((symbol, i) => [symbol, i]));
    if (indexOf.size !== count) throw new RiskConfigError('session.symbols', 'a symbol is listed twice');
    const positive = session.candleMs.filter((ms) => ms > 0);
    const barMs = positive.length > 0 ? Math.min(...positive) : DAY_MS;
    const rules = symbols.map((symbol) =>
      resolveExchangeRules({ ...config.defaultMarket, ...config.markets[symbol] }, `markets.${symbol}.`),
    );
    const history = new ReturnHistory(count, config.windowCandles);
    const a = config.anomalies;
    const events: RiskEvent[] = [];
    const state: SessionState = {
      session,
      port: session.execution,
      symbols,
      indexOf,
      rules,
      history,
      correlation: new RollingCorrelation({ symbols: count, window: config.windowCandles }),
      portfolioVar: new PortfolioVar(history, barMs),
      stepReturns: new Float64Array(count),
      lastClose: new Float64Array(count).fill(Number.NaN),
      lastHigh: new Float64Array(count).fill(Number.NaN),
      lastLow: new Float64Array(count).fill(Number.NaN),
      hadCandle: new Uint8Array(count),
      heldQty: new Float64Array(count),
      unknownEntry: new Float64Array(count).fill(Number.NaN),
      values: new Float64Array(count),
      pendingBuys: new PendingBuys(count),
      breaker: new CircuitBreaker(config.breaker),
      monitor: new PortfolioMonitor(barMs),
      stepVar: emptyVarMeasure(),
      gaps: session.candleMs.map(
        (candleMs) =>
          new CandleGapDetector({
            candleMs: candleMs > 0 ? candleMs : barMs,
            staleCandles: a.staleCandles,
            maxMissingCandles: a.maxMissingCandles,
          }),
      ),
      jumps: symbols.map(
        () => new PriceJumpDetector({ atrPeriod: a.atrPeriod, maxAtrMultiple: a.priceJumpAtrMultiple }),
      ),
      volumes: symbols.map(
        () => new VolumeSpikeDetector({ window: a.volumeWindow, maxMultiple: a.volumeSpikeMultiple }),
      ),
      spreads: symbols.map(() => null),
      roundTrips: new RoundTrips(count),
      stats: emptyTradeStats(),
      protective: new ProtectiveOrders(
        session.execution,
        session.botId,
        symbols,
        rules,
        config,
        (type, s, reason, from, to) =>
          this.emit(type, symbols[s] as string, from, to, reason, this.requireState().lastTime),
      ),
      events,
      paused: null,
      killActedSerial: 0,
      lastTime: Number.NaN,
      lastEquity: Number.NaN,
    };
    this.state = state;
  }

  get events(): readonly RiskEvent[] {
    return this.state?.events ?? [];
  }

  /** The breaker's state and what it allows; 'none' agents while paused or killed. */
  get mode(): RiskMode {
    const state = this.state;
    if (state === null) return riskModeFor('ACTIVE', false);
    const stopped = state.paused !== null || this.killSwitch.engagedFor(state.session.botId, this.userId) !== null;
    return riskModeFor(state.breaker.state, stopped);
  }

  /** The trade statistics Kelly sizing uses (closed round trips seen since start). */
  get tradeStats(): Readonly<TradeStats> {
    return this.requireState().stats;
  }

  // ── preventive ──

  review(intent: OrderRequest, decision: Decision, portfolio: PortfolioView, time: number): RiskVerdict {
    const state = this.requireState();
    const s = this.symbolIndexOf(state, intent.symbol);
    checkAccount(portfolio);
    const equity = portfolio.equityQuote;
    const cash = portfolio.cashQuote;
    const price = checkMark(intent.symbol, portfolio.markPrice(intent.symbol));
    checkIntent(intent);
    // Before the first candle (a live start), the mark stands in for the last close that values pending orders.
    if (Number.isNaN(state.lastClose[s] as number)) state.lastClose[s] = price;
    state.lastEquity = equity;
    const agentProblem = agentOutputProblem(decision);
    if (agentProblem !== null) {
      this.flag('agent-output', s, time, agentProblem);
      return this.refuse(intent, time, [`agent-output: ${agentProblem}`]);
    }
    const blocked = this.blockedReason(state);
    if (blocked !== null) return this.refuse(intent, time, [blocked]);
    this.readPositions(state, portfolio);
    const heldQty = state.heldQty[s] as number;
    if (intent.side === 'sell') {
      return this.settle(intent, intent, [], s, price, cash - state.pendingBuys.totalQuote, heldQty, time);
    }
    return this.reviewBuy(state, intent, s, price, decision, equity, cash, heldQty, time);
  }

  private reviewBuy(
    state: SessionState,
    intent: OrderRequest,
    s: number,
    price: number,
    decision: Decision,
    equity: number,
    cash: number,
    heldQty: number,
    time: number,
  ): RiskVerdict {
    const currentMode = this.mode;
    if (currentMode.reducingOnly) {
      return this.refuse(intent, time, [
        `breaker ${currentMode.breaker}: only orders that reduce exposure (conservative agent only) at drawdown ${percent(state.breaker.drawdownFromPeak)} from peak`,
      ]);
    }
    const config = this.config;
    const freeCash = cash - state.pendingBuys.totalQuote;
    const asked = intent.quoteQty ?? (intent.qtyBase as number) * (intent.limitPrice ?? intent.stopPrice ?? price);
    const check = this.check;
    check.symbol = intent.symbol;
    check.symbolIndex = s;
    check.quoteQty = asked;
    check.priceQuote = price;
    check.equityQuote = equity;
    check.cashQuote = freeCash;
    check.positionValueQuote = state.values[s] as number;
    check.confidence = decision.confidence;
    check.sizeMultiplier = currentMode.sizeMultiplier;
    const reasons: string[] = [];
    const apply = (limit: SizeLimit | null): boolean => {
      if (limit === null) return true;
      reasons.push(limit.reason);
      check.quoteQty = Math.max(0, Math.min(check.quoteQty, limit.maxQuote));
      return check.quoteQty > 0;
    };
    const { kellyOptions, correlationOptions, varOptions } = this;
    const passed =
      equity > 0 &&
      apply(minConfidenceLimit(check, config.minConfidence)) &&
      (kellyOptions === null || apply(kellyLimit(check, state.stats, kellyOptions))) &&
      (config.maxPositionFraction === null || apply(positionCapLimit(check, config.maxPositionFraction))) &&
      (correlationOptions === null ||
        apply(
          correlatedExposureLimit(
            check,
            state.values,
            state.correlation.matrix,
            state.history.version >= config.windowCandles,
            state.symbols,
            correlationOptions,
          ),
        )) &&
      apply(varLimit(check, state.values, state.portfolioVar, varOptions, this.varScratch));
    if (!passed) {
      if (!(equity > 0)) reasons.push(`no equity to buy with (${equity})`);
      return this.refuse(intent, time, reasons);
    }
    const sized =
      check.quoteQty >= asked
        ? intent
        : intent.quoteQty !== undefined
          ? { ...intent, quoteQty: check.quoteQty }
          : { ...intent, qtyBase: (intent.qtyBase as number) * (check.quoteQty / asked) };
    return this.settle(intent, sized, reasons, s, price, freeCash, heldQty, time);
  }

  /** Exchange constraints on the sized order, then the verdict and its event. */
  private settle(
    intent: OrderRequest,
    sized: OrderRequest,
    reasons: string[],
    s: number,
    price: number,
    freeCash: number,
    heldQty: number,
    time: number,
  ): RiskVerdict {
    const adjusted = applyExchangeConstraints(
      sized,
      price,
      freeCash,
      heldQty,
      this.requireState().rules[s] as ResolvedExchangeRules,
    );
    let order: OrderRequest | null = sized;
    if (adjusted !== null) {
      order = adjusted.order;
      reasons.push(...adjusted.reasons);
    }
    if (order === null) return this.refuse(intent, time, reasons);
    const currentMode = this.mode;
    if (order === intent) return { kind: 'approve', order, reasons, mode: currentMode };
    this.emit('resize', intent.symbol, sizeOf(intent), sizeOf(order), reasons.join('; '), time);
    return { kind: 'resize', order, reasons, mode: currentMode };
  }

  private refuse(intent: OrderRequest, time: number, reasons: string[]): RiskVerdict {
    this.emit('reject', intent.symbol, sizeOf(intent), null, reasons.join('; '), time);
    return { kind: 'reject', order: null, reasons, mode: this.mode };
  }

  /** Why no new order may go out now (kill switch, pause, HALTED), or null. */
  private blockedReason(state: SessionState): string | null {
    const kill = this.killSwitch.engagedFor(state.session.botId, this.userId);
    if (kill !== null) {
      return `kill-switch: ${kill.scope} ${kill.targetId} engaged by ${kill.actor} at ${iso(kill.time)}: ${kill.reason}`;
    }
    if (state.paused !== null) {
      return `paused by ${state.paused.actor} at ${iso(state.paused.time)}: ${state.paused.reason}`;
    }
    if (state.breaker.state === 'HALTED') {
      return `breaker HALTED: drawdown ${percent(state.breaker.drawdownFromPeak)} from peak ${quote(state.breaker.peakEquityQuote)}: no new orders`;
    }
    return null;
  }

  /** Refreshes heldQty and values (position value + pending buys); returns the total position value. */
  private readPositions(state: SessionState, portfolio: PortfolioView): number {
    return readPositions(state.symbols, portfolio, state.pendingBuys.quoteBySymbol, state.heldQty, state.values);
  }

  // ── detective ──

  onCandle(symbolIndex: number, series: CandleSeries, index: number, _portfolio: PortfolioView): void {
    const state = this.requireState();
    const s = symbolIndex;
    const time = series.time[index] as number;
    const open = series.open[index] as number;
    const high = series.high[index] as number;
    const low = series.low[index] as number;
    const close = series.close[index] as number;
    const volume = series.volume[index] as number;
    if (!(open > 0 && high > 0 && low > 0 && close > 0 && volume >= 0 && Number.isFinite(high + volume))) {
      throw new RiskInputError(
        `candle ${series.symbol} ${iso(time)}`,
        `prices must be positive and finite and volume ≥ 0, got o ${open} h ${high} l ${low} c ${close} v ${volume}`,
      );
    }
    const previous = state.lastClose[s] as number;
    state.stepReturns[s] = previous > 0 ? close / previous - 1 : 0;
    state.lastClose[s] = close;
    state.lastHigh[s] = high;
    state.lastLow[s] = low;
    state.hadCandle[s] = 1;
    const gap = (state.gaps[s] as CandleGapDetector).update(time, open, high, low, close, volume);
    if (gap !== null) this.flag(gap.kind, s, time, gap.reason);
    const jump = (state.jumps[s] as PriceJumpDetector).update(high, low, close);
    if (jump !== null) this.flag('price-jump', s, time, jump);
    const spike = (state.volumes[s] as VolumeSpikeDetector).update(volume);
    if (spike !== null) this.flag('volume-spike', s, time, spike);
  }

  /** Optional order-book data: checks the spread for a blow-out. */
  onOrderBook(symbolIndex: number, book: OrderBookSnapshot): void {
    const state = this.requireState();
    const detector =
      state.spreads[symbolIndex] ??
      new SpreadBlowoutDetector({
        ...SPREAD_BLOWOUT_DEFAULTS,
        maxMultiple: this.config.anomalies.spreadBlowoutMultiple,
        minSpreadBps: this.config.anomalies.spreadMinBps,
      });
    state.spreads[symbolIndex] = detector;
    const why = detector.update(book.bids[0]?.[0] ?? Number.NaN, book.asks[0]?.[0] ?? Number.NaN);
    if (why !== null) this.flag('spread-blowout', symbolIndex, book.time, why);
  }

  onTimeStep(time: number, portfolio: PortfolioView): void {
    const state = this.requireState();
    checkAccount(portfolio);
    const equity = portfolio.equityQuote;
    state.lastTime = time;
    state.lastEquity = equity;
    state.pendingBuys.reconcile(state.port, state.lastClose);
    state.history.push(state.stepReturns);
    state.correlation.update(state.stepReturns);
    state.stepReturns.fill(0);
    const exposure = this.readPositions(state, portfolio);
    state.monitor.update(equity, exposure);
    state.portfolioVar.rebase(state.values);
    if (exposure > 0) state.portfolioVar.measure(state.values, -1, 0, state.stepVar);
    else zeroVar(state.stepVar, state.history.count);

    const transition = state.breaker.update(equity);
    if (transition !== null) {
      this.emit('breaker', null, transition.from, transition.to, transition.reason, time);
      if (transition.to === 'HALTED') this.halt(state, time, transition.reason);
    }
    this.enforceKillSwitch(state, time);
    this.maintainProtection(state, time);
    for (let s = 0; s < state.symbols.length; s++) {
      if (state.hadCandle[s] === 1) continue;
      const overdue = (state.gaps[s] as CandleGapDetector).overdue(time);
      if (overdue !== null) this.flag('missing-candles', s, time, overdue);
    }
    state.hadCandle.fill(0);
  }

  snapshot(): RiskSnapshot {
    const state = this.requireState();
    const { monitor, stepVar } = state;
    const equity = monitor.equityQuote;
    const share = (value: number) => (Number.isNaN(value) || !(equity > 0) ? null : value / equity);
    return {
      time: state.lastTime,
      equityQuote: equity,
      pnlQuote: monitor.pnlQuote,
      peakEquityQuote: monitor.peakEquityQuote,
      drawdownFromPeak: monitor.drawdownFromPeak,
      exposureQuote: monitor.exposureQuote,
      exposureFraction: monitor.exposureFraction,
      historicalVar95: share(stepVar.historical95),
      historicalVar99: share(stepVar.historical99),
      parametricVar95: share(stepVar.parametric95),
      parametricVar99: share(stepVar.parametric99),
      sharpe: monitor.sharpe,
      breaker: state.breaker.state,
      paused: state.paused !== null,
      killSwitch: this.killSwitch.engagedFor(state.session.botId, this.userId),
    };
  }

  // ── corrective ──

  onFill(fill: Fill): void {
    const state = this.requireState();
    const s = state.indexOf.get(fill.symbol);
    if (s === undefined) return;
    const pnl = state.roundTrips.onFill(s, fill.side, fill.qtyBase, fill.priceQuote, fill.feeQuote);
    if (pnl !== null) recordRoundTrip(state.stats, pnl);
    const kind = state.protective.exitKindOf(fill.clientOrderId);
    if (kind !== undefined && kind !== 'exit') {
      this.emit(
        kind,
        fill.symbol,
        'open',
        'exit',
        `${kind} ${fill.clientOrderId} sold ${fill.qtyBase} at ${fill.priceQuote}`,
        fill.time,
      );
    }
  }

  onSubmitted(order: OrderRequest, decisionTime: number): void {
    const state = this.requireState();
    const s = this.symbolIndexOf(state, order.symbol);
    if (order.side !== 'buy') return;
    const mark = state.lastClose[s] as number;
    state.pendingBuys.add(order, s, mark);
    state.protective.onEntrySubmitted(s, order, mark, state.heldQty[s] as number, decisionTime);
  }

  /** The explicit, audited way out of a breaker state: back to ACTIVE, peak re-based to the current equity. */
  resetBreaker(actor: string, reason: string, time = this.requireState().lastTime): void {
    const state = this.requireState();
    if (!actor || !reason) throw new RiskConfigError('resetBreaker', 'a breaker reset needs an actor and a reason');
    const transition = state.breaker.reset(state.monitor.equityQuote, actor, reason);
    this.emit('breaker-reset', null, transition.from, transition.to, transition.reason, time);
  }

  /** Stops new orders until resume(); protective stops keep working. */
  pause(actor: string, reason: string, time = this.requireState().lastTime): void {
    const state = this.requireState();
    if (state.paused !== null) return;
    state.paused = { actor, reason, time };
    this.emit('pause', null, 'running', 'paused', `${actor}: ${reason}`, time);
    this.notify(time, 'warning', `bot paused by ${actor}: ${reason}`);
  }

  resume(actor: string, reason: string, time = this.requireState().lastTime): void {
    const state = this.requireState();
    if (state.paused === null) return;
    state.paused = null;
    this.emit('resume', null, 'paused', 'running', `${actor}: ${reason}`, time);
  }

  /** HALTED: pending entries cancelled; positions flattened unless onHalt is 'hold'; a critical notification. */
  private halt(state: SessionState, time: number, why: string): void {
    state.pendingBuys.cancelAll(state.port);
    if (this.config.onHalt === 'flatten') this.flattenAll(state, time, `breaker HALTED (${why})`);
    this.notify(
      time,
      'critical',
      `breaker HALTED: ${why}; positions ${this.config.onHalt === 'flatten' ? 'flattened' : 'held'}`,
    );
  }

  private flattenAll(state: SessionState, time: number, why: string): void {
    for (let s = 0; s < state.symbols.length; s++) {
      const qty = state.heldQty[s] as number;
      if (qty > 0) state.protective.exitAtMarket(s, qty, time + this.candleMsOf(state, s), 'flatten', why);
    }
  }

  private enforceKillSwitch(state: SessionState, time: number): void {
    const kill = this.killSwitch.engagedFor(state.session.botId, this.userId);
    if (kill === null) {
      if (state.killActedSerial !== 0) {
        state.killActedSerial = 0;
        this.emit('kill-switch-release', null, 'engaged', 'off', 'kill switch released', time);
      }
      return;
    }
    if (kill.serial === state.killActedSerial) return;
    state.killActedSerial = kill.serial;
    if (kill.flatten) this.flattenAll(state, time, `kill switch (${kill.scope})`);
    let cancelled = 0;
    for (const order of state.port.openOrders()) {
      const id = order.request.clientOrderId;
      const kind = state.protective.exitKindOf(id);
      if (kind === 'exit' || (kind !== undefined && !kill.flatten)) continue;
      if (state.port.cancel(id)) cancelled++;
    }
    const reason =
      `${kill.scope} ${kill.targetId} engaged by ${kill.actor}: ${kill.reason}; ${cancelled} open order(s) cancelled` +
      (kill.flatten ? ', positions flattened' : ', positions held with their stops');
    this.emit('kill-switch', null, 'off', 'engaged', reason, time);
    this.notify(time, 'critical', `kill switch: ${reason}`);
  }

  private maintainProtection(state: SessionState, time: number): void {
    const protective = state.protective;
    if (!protective.enabled) return;
    for (let s = 0; s < state.symbols.length; s++) {
      if (state.hadCandle[s] !== 1) continue;
      const held = state.heldQty[s] as number;
      // A position opened before the session (no fills seen) is protected from the first mark it was held at.
      let entry = state.roundTrips.averageEntryPrice(s);
      if (!(held > 0)) state.unknownEntry[s] = Number.NaN;
      else if (Number.isNaN(entry)) {
        if (Number.isNaN(state.unknownEntry[s] as number)) state.unknownEntry[s] = state.lastClose[s] as number;
        entry = state.unknownEntry[s] as number;
      }
      protective.maintain(
        s,
        held,
        entry,
        state.lastHigh[s] as number,
        state.lastLow[s] as number,
        time + this.candleMsOf(state, s),
      );
    }
  }

  // ── plumbing ──

  private flag(kind: AnomalyKind, s: number, time: number, why: string): void {
    const state = this.requireState();
    const symbol = state.symbols[s] as string;
    this.emit('anomaly', symbol, null, kind, `${kind}: ${symbol} ${why}`, time);
    if (this.config.anomalies.pauseOn.includes(kind)) this.pause(MANAGER_ACTOR, `${kind} on ${symbol}: ${why}`, time);
  }

  private emit(
    type: RiskEventType,
    symbol: string | null,
    from: string | null,
    to: string | null,
    reason: string,
    time: number,
  ): void {
    const state = this.requireState();
    const equity = state.lastEquity;
    const event: RiskEvent = { time, type, from, to, reason, equity: Number.isFinite(equity) ? equity : null, symbol };
    if (this.options.retainEvents !== false) state.events.push(event);
    this.options.onEvent?.(event);
    if (type === 'stop-failed') this.notify(time, 'critical', reason);
  }

  private notify(time: number, severity: RiskNotice['severity'], message: string): void {
    const state = this.requireState();
    this.options.notify?.({ time, botId: state.session.botId, severity, message });
  }

  private candleMsOf(state: SessionState, s: number): number {
    return state.session.candleMs[s] as number;
  }

  private symbolIndexOf(state: SessionState, symbol: string): number {
    const index = state.indexOf.get(symbol);
    if (index === undefined) {
      throw new RiskInputError(
        'symbol',
        `${JSON.stringify(symbol)} is not one of this bot's markets (${state.symbols.join(', ')})`,
      );
    }
    return index;
  }

  private requireState(): SessionState {
    if (this.state === null) throw new RiskConfigError('session', 'call start(session) before using the risk manager');
    return this.state;
  }
}

function zeroVar(measure: VarMeasure, samples: number): void {
  measure.samples = samples;
  const value = samples >= 2 ? 0 : Number.NaN;
  measure.historical95 = measure.historical99 = measure.parametric95 = measure.parametric99 = value;
}

function sizeOf(order: OrderRequest): string {
  return order.quoteQty !== undefined
    ? `${order.side} ${quote(order.quoteQty)} quote`
    : `${order.side} ${order.qtyBase} base`;
}

function iso(time: number): string {
  return Number.isFinite(time) ? new Date(time).toISOString() : String(time);
}
