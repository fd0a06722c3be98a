/**
 * The decision pipeline, the same in the backtester and the live worker:
 * closed candle → features → strategy (decision) → sizing (order intent) → risk stage (verdict) → order.
 * It owns no balances and sends nothing: the caller executes the returned order and reports fills to the ledger.
 * When the risk stage also has per-candle controls (risk/types.ts RiskControls: the risk manager), the caller
 * drives them around the pipeline — detective hooks before it, onSubmitted after each order — as the backtester does.
 */
import type { OrderRequest } from '../execution/types.ts';
import type { FeatureSource } from '../features/types.ts';
import type { CandleSeries } from '../market/types.ts';
import {
  isRiskControls,
  type PortfolioView,
  type RiskControls,
  type RiskStage,
  type RiskVerdict,
} from '../risk/types.ts';
import { createSignalVector } from '../signals/signal-vector.ts';
import type { Decision, DecisionContext, Strategy } from '../strategy/types.ts';
import { clientOrderId, clientOrderIdPrefix } from './client-order-id.ts';
import { orderForDecision, type SizingOptions } from './sizing.ts';

/** What happened on one closed candle, for the audit trail. */
export interface DecisionRecord {
  time: number;
  symbol: string;
  decision: Readonly<Decision>;
  intent: OrderRequest | null;
  verdict: RiskVerdict | null;
}

export interface DecisionPipelineOptions {
  /** Prefix of every client order id: the bot (or backtest) that decided. */
  botId: string;
  strategy: Strategy;
  risk: RiskStage;
  /** null runs the strategy on candles alone. */
  features: FeatureSource | null;
  /**
   * The signal vector the strategy sees (DecisionContext.signals), which the caller writes before each candle (the
   * live worker, from its signal providers); default a vector of its own with every signal masked (backtests).
   */
  signals?: Float32Array;
  sizing?: SizingOptions;
  /** Called for every decision that produced an intent; leave unset in throughput-critical backtests. */
  onDecision?: (record: DecisionRecord) => void;
}

export class DecisionPipeline {
  private readonly options: DecisionPipelineOptions;
  private readonly decision: Decision = { action: 'hold', targetExposure: Number.NaN, confidence: 0, reason: '' };
  private readonly context: DecisionContext = {
    symbolIndex: 0,
    series: undefined as unknown as CandleSeries,
    index: 0,
    features: null,
    positionQtyBase: 0,
    equityQuote: 0,
    riskMode: undefined,
  };
  /** The risk stage's controls, whose mode the strategy sees; null for a stage without them. */
  private readonly controls: RiskControls | null;
  /** `${botId}:${symbol}:` by symbolIndex, built on a symbol's first order rather than per order. */
  private readonly orderIdPrefixes: string[] = [];
  private readonly orderIdSymbols: string[] = [];

  constructor(options: DecisionPipelineOptions) {
    this.options = options;
    this.context.signals = options.signals ?? createSignalVector();
    this.controls = isRiskControls(options.risk) ? options.risk : null;
  }

  /**
   * Candle `index` of `series` has closed at `decisionTime`. Returns the order to execute, or null.
   * Feeds the feature source even when the strategy holds, so its state never skips a candle.
   */
  onCandleClosed(
    symbolIndex: number,
    series: CandleSeries,
    index: number,
    portfolio: PortfolioView,
    decisionTime: number,
  ): OrderRequest | null {
    const { strategy, features } = this.options;
    const context = this.context;
    context.symbolIndex = symbolIndex;
    context.series = series;
    context.index = index;
    context.features = features === null ? null : features.update(symbolIndex, series, index);
    context.positionQtyBase = portfolio.positionQtyBase(series.symbol);
    context.equityQuote = portfolio.equityQuote;
    if (this.controls !== null) context.riskMode = this.controls.mode;
    strategy.onCandle(context, this.decision);
    return this.decision.action === 'hold' ? null : this.sizeAndReview(symbolIndex, series, portfolio, decisionTime);
  }

  /**
   * The rare rest of onCandleClosed, for a decision that is not hold: sizing, risk, audit. Kept out of the per-candle
   * body so that V8, which inlines that body into the backtester's loop within one bytecode budget, spends the budget
   * on the strategy and portfolio reads every candle makes rather than on this path (a call left out of the budget
   * boxes its number arguments and result: an allocation per candle).
   */
  private sizeAndReview(
    symbolIndex: number,
    series: CandleSeries,
    portfolio: PortfolioView,
    decisionTime: number,
  ): OrderRequest | null {
    const { risk, botId, sizing, onDecision } = this.options;
    const intent = orderForDecision(
      this.decision,
      series.symbol,
      portfolio,
      clientOrderId(this.orderIdPrefix(symbolIndex, series.symbol, botId), decisionTime),
      sizing,
    );
    if (intent === null) return null;
    const verdict = risk.review(intent, this.decision, portfolio, decisionTime);
    onDecision?.({ time: decisionTime, symbol: series.symbol, decision: { ...this.decision }, intent, verdict });
    return verdict.order;
  }

  /** clientOrderIdPrefix(botId, symbol), kept by symbolIndex. */
  private orderIdPrefix(symbolIndex: number, symbol: string, botId: string): string {
    if (this.orderIdSymbols[symbolIndex] !== symbol) {
      this.orderIdSymbols[symbolIndex] = symbol;
      this.orderIdPrefixes[symbolIndex] = clientOrderIdPrefix(botId, symbol);
    }
    return this.orderIdPrefixes[symbolIndex] as string;
  }
}
