/** Test doubles for the risk controls: a portfolio of fixed numbers, execution ports, and a warmed-up manager. */
import type { OrderRequest, OrderState } from '../src/execution/types.ts';
import { allocateSeries, type CandleSeries } from '../src/market/types.ts';
import type { BotRiskConfig } from '../src/risk/risk-config.ts';
import { RiskManager, type RiskManagerOptions } from '../src/risk/risk-manager.ts';
import type { ExecutionPort, PortfolioView } from '../src/risk/types.ts';
import type { Decision } from '../src/strategy/types.ts';

export const HOUR_MS = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);

/** A portfolio view over plain numbers; positions by symbol. */
export class FixedPortfolio implements PortfolioView {
  equityQuote: number;
  cashQuote: number;
  readonly qty = new Map<string, number>();
  readonly marks = new Map<string, number>();

  constructor(
    cashQuote: number,
    positions: Record<string, { qty: number; mark: number }> = {},
    marks: Record<string, number> = {},
  ) {
    this.cashQuote = cashQuote;
    for (const [symbol, mark] of Object.entries(marks)) this.marks.set(symbol, mark);
    for (const [symbol, position] of Object.entries(positions)) {
      this.qty.set(symbol, position.qty);
      this.marks.set(symbol, position.mark);
    }
    this.equityQuote = this.valueOf();
  }

  /** cash + Σ qty × mark. */
  valueOf(): number {
    let equity = this.cashQuote;
    for (const [symbol, qty] of this.qty) equity += qty * (this.marks.get(symbol) ?? 0);
    return equity;
  }

  positionQtyBase(symbol: string): number {
    return this.qty.get(symbol) ?? 0;
  }

  markPrice(symbol: string): number {
    return this.marks.get(symbol) ?? Number.NaN;
  }
}

/** A port that accepts every order and records it; orders stay open until `fill` or `cancel`. */
export class RecordingPort implements ExecutionPort {
  readonly submitted: { order: OrderRequest; decisionTime: number }[] = [];
  readonly cancelled: string[] = [];
  private readonly states = new Map<string, OrderState>();
  /** Refuse orders this returns a reason for. */
  refuse: (order: OrderRequest) => string | null = () => null;

  submit(order: OrderRequest, decisionTime: number): Readonly<OrderState> {
    const why = this.refuse(order);
    if (why !== null) throw new Error(why);
    const state: OrderState = {
      request: order,
      submittedAt: decisionTime,
      status: 'open',
      filledQtyBase: 0,
      filledQuote: 0,
    };
    this.states.set(order.clientOrderId, state);
    this.submitted.push({ order, decisionTime });
    return state;
  }

  cancel(clientOrderId: string): boolean {
    const state = this.states.get(clientOrderId);
    if (state === undefined || (state.status !== 'open' && state.status !== 'partially_filled')) return false;
    state.status = 'cancelled';
    this.cancelled.push(clientOrderId);
    return true;
  }

  order(clientOrderId: string): Readonly<OrderState> | undefined {
    return this.states.get(clientOrderId);
  }

  openOrders(): Readonly<OrderState>[] {
    return [...this.states.values()].filter((s) => s.status === 'open' || s.status === 'partially_filled');
  }

  /** Marks an order filled (the port's bookkeeping only). */
  fill(clientOrderId: string): void {
    const state = this.states.get(clientOrderId);
    if (state !== undefined) state.status = 'filled';
  }

  working(): OrderRequest[] {
    return this.openOrders().map((s) => s.request);
  }
}

export function decision(action: Decision['action'], confidence = 1, targetExposure = 1): Decision {
  return { action, targetExposure, confidence, reason: 'test' };
}

export function buy(symbol: string, quoteQty: number, id = `t:${symbol}:buy`): OrderRequest {
  return { clientOrderId: id, symbol, side: 'buy', type: 'market', quoteQty, reason: 'test' };
}

export function sell(symbol: string, qtyBase: number, id = `t:${symbol}:sell`): OrderRequest {
  return { clientOrderId: id, symbol, side: 'sell', type: 'market', qtyBase, reason: 'test' };
}

/** Hourly candles from closes (open = previous close, ±0.1% wicks, volume 100). */
export function seriesFromCloses(symbol: string, closes: readonly number[], start = T0): CandleSeries {
  const series = allocateSeries(symbol, closes.length);
  closes.forEach((close, i) => {
    const open = i === 0 ? close : (closes[i - 1] as number);
    series.time[i] = start + i * HOUR_MS;
    series.open[i] = open;
    series.high[i] = Math.max(open, close) * 1.001;
    series.low[i] = Math.min(open, close) * 0.999;
    series.close[i] = close;
    series.volume[i] = 100;
  });
  return series;
}

/** A manager on `symbols` with no platform limits but those given, started on `port`. */
export function startedManager(
  symbols: readonly string[],
  bot: BotRiskConfig = {},
  options: Omit<RiskManagerOptions, 'bot'> = {},
  port: ExecutionPort = new RecordingPort(),
): RiskManager {
  const manager = new RiskManager({ ...options, bot });
  manager.start({ botId: 'bot', symbols, candleMs: symbols.map(() => HOUR_MS), execution: port });
  return manager;
}

/** Feeds every candle of `series` (same length, aligned) through onCandle/onTimeStep with the portfolio. */
export function feed(
  manager: RiskManager,
  series: readonly CandleSeries[],
  portfolio: PortfolioView,
  from = 0,
  to?: number,
): void {
  const end = to ?? (series[0] as CandleSeries).length;
  for (let i = from; i < end; i++) {
    series.forEach((candles, s) => {
      manager.onCandle(s, candles, i, portfolio);
    });
    manager.onTimeStep((series[0] as CandleSeries).time[i] as number, portfolio);
  }
}
