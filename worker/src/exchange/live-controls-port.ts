/**
 * The exchange as a live bot's risk controls see it: the same ExecutionPort the paper broker gives a paper bot, so
 * the core's RiskManager (Kelly cap, confidence gate, breakers, protective stops) drives live bots unchanged.
 *
 * The port is synchronous and the exchange is not: `submit` and `cancel` take effect here at once (the manager
 * reads them back in the same step) and are queued; the runner then calls `flush`, which carries them out in order,
 * each order persisted before it is sent (LiveBroker), and `poll` once per candle, which asks the exchange about
 * every order still working (a stop that triggered has filled) and records what it reports.
 *
 * Spot rules the paper broker does not have, handled here:
 * - a resting sell locks its coins, so a new stop cannot be placed beside the old one: a stop placed while another
 *   of the bot's stops works in the market replaces it in one request (venue.ts: cancelReplace) — the position is
 *   never without a stop between two round trips; the manager's later cancel of the old stop is then a no-op;
 * - a stop the same as the one working (same market, size and trigger: after a restart) is that one, not a second;
 * - a sell stop covers at most what the bot holds (the entry's provisional stop is sized on an estimate);
 * - before a market sell the bot's stops of that market are cancelled (freqtrade#8045: their coins are locked).
 * A stop the exchange refuses is followed by an exit at market (freqtrade PR #2206) and its owner is told; when a
 * replace fails but the old stop still works, the position is still protected and nothing is sold.
 */
import type { Fill, OrderRequest, OrderState } from '@keel/core/execution/types.ts';
import type { ExecutionPort, RiskEvent } from '@keel/core/risk/types.ts';
import { type Bot, type Database, type Order, orderFromCore } from '@keel/db';
import { riskOrderId } from '../bots/client-order-id.ts';
import type { LiveBroker, LiveOrderOutcome } from './live-broker.ts';

interface LiveOrderState extends OrderState {
  /** Known to the exchange (sent, or adopted from Postgres after reconciliation). */
  sent: boolean;
  /**
   * Working on the exchange as last reported: an order the controls cancelled stays so until the cancel is
   * carried out (its coins are locked till then; a new stop replaces it in the same request).
   */
  onExchange: boolean;
}

type PortAction = { kind: 'place' | 'cancel'; clientOrderId: string };

export interface FlushContext {
  broker: LiveBroker;
  /** Base the bot holds in a market now (its ledger, fills applied so far included). */
  heldQtyBase(symbol: string): number;
  /** A fill the exchange reported, already in Postgres: for the ledger, the risk controls and the stream. */
  onFill(fill: Fill): void;
  /** An order row that changed, for the stream. */
  onOrder(order: Order): void;
  /** For the audit trail (stop-failed). */
  onRiskEvent(event: RiskEvent): void;
  time: number;
}

const WORKING = new Set(['open', 'partially_filled']);

export class LiveControlsPort implements ExecutionPort {
  private readonly bot: Bot;
  private readonly database: Database;
  private readonly states = new Map<string, LiveOrderState>();
  /** Risk-manager names answered by an order already working (a stop identical to an adopted one). */
  private readonly aliases = new Map<string, string>();
  private queue: PortAction[] = [];

  constructor(bot: Bot, database: Database) {
    this.bot = bot;
    this.database = database;
  }

  /** The bot's orders Postgres holds as working after reconciliation (its stops), known to the exchange. */
  adopt(orders: readonly Order[]): void {
    for (const order of orders) {
      this.states.set(order.clientOrderId, {
        request: {
          clientOrderId: order.clientOrderId,
          symbol: order.symbol,
          side: order.side,
          type: order.type,
          ...(order.qtyBase === null ? {} : { qtyBase: Number(order.qtyBase) }),
          ...(order.limitPrice === null ? {} : { limitPrice: Number(order.limitPrice) }),
          ...(order.stopPrice === null ? {} : { stopPrice: Number(order.stopPrice) }),
          reason: order.reason ?? 'adopted after restart',
        },
        submittedAt: order.createdAt.getTime(),
        status: order.status === 'partially_filled' ? 'partially_filled' : 'open',
        filledQtyBase: Number(order.filledQtyBase),
        filledQuote: Number(order.filledQuote),
        sent: true,
        onExchange: true,
      });
    }
  }

  /** A strategy's order the exchange left working (a limit): watched by poll like the controls' own. */
  track(request: OrderRequest, row: Order): void {
    if (!WORKING.has(row.status)) return;
    this.states.set(request.clientOrderId, {
      request,
      submittedAt: row.createdAt.getTime(),
      status: row.status === 'partially_filled' ? 'partially_filled' : 'open',
      filledQtyBase: Number(row.filledQtyBase),
      filledQuote: Number(row.filledQuote),
      sent: true,
      onExchange: true,
    });
  }

  // ── ExecutionPort (synchronous; carried out by flush) ──

  submit(order: OrderRequest, decisionTime: number): Readonly<OrderState> {
    const clientOrderId = this.idOf(order.clientOrderId);
    const known = this.states.get(clientOrderId);
    if (known !== undefined) return known;
    const same = order.type === 'stop' ? this.workingStopLike(order) : undefined;
    if (same !== undefined) {
      this.aliases.set(order.clientOrderId, same.request.clientOrderId);
      return same;
    }
    const state: LiveOrderState = {
      request: { ...order, clientOrderId },
      submittedAt: decisionTime,
      status: 'open',
      filledQtyBase: 0,
      filledQuote: 0,
      sent: false,
      onExchange: false,
    };
    this.states.set(clientOrderId, state);
    this.queue.push({ kind: 'place', clientOrderId });
    return state;
  }

  cancel(clientOrderId: string): boolean {
    const state = this.states.get(this.idOf(clientOrderId));
    if (state === undefined || !WORKING.has(state.status)) return false;
    state.status = 'cancelled';
    this.queue.push({ kind: 'cancel', clientOrderId: state.request.clientOrderId });
    return true;
  }

  order(clientOrderId: string): Readonly<OrderState> | undefined {
    return this.states.get(this.idOf(clientOrderId));
  }

  openOrders(): readonly Readonly<OrderState>[] {
    return [...this.states.values()].filter((state) => WORKING.has(state.status));
  }

  // ── the exchange side ──

  /** Carries out what the controls asked since the last flush, in order. */
  async flush(context: FlushContext): Promise<void> {
    while (this.queue.length > 0) {
      const action = this.queue.shift() as PortAction;
      const state = this.states.get(action.clientOrderId) as LiveOrderState;
      if (action.kind === 'cancel') {
        if (state.onExchange) this.apply(state, await context.broker.cancel(rowOf(state.request)), context);
        continue;
      }
      if (state.status !== 'open' || state.sent) continue; // cancelled before it was sent: never sent
      await this.place(state, context);
    }
  }

  /** Asks the exchange about every order still working; a stop that triggered comes back filled. */
  async poll(context: FlushContext): Promise<void> {
    for (const state of this.states.values()) {
      if (state.onExchange) {
        this.apply(state, await context.broker.refresh(rowOf(state.request)), context);
      }
    }
  }

  /**
   * Cancels the bot's working sells in `symbol` (their coins are locked) before a market sell of it; their cancels
   * still queued find them settled and do nothing.
   */
  async releaseSells(symbol: string, context: FlushContext): Promise<void> {
    for (const state of this.states.values()) {
      if (state.onExchange && state.request.symbol === symbol && state.request.side === 'sell') {
        state.status = 'cancelled';
        this.apply(state, await context.broker.cancel(rowOf(state.request)), context);
      }
    }
  }

  private async place(state: LiveOrderState, context: FlushContext): Promise<void> {
    const request = state.request;
    if (request.side === 'sell' && request.qtyBase !== undefined) {
      if (request.type === 'market') await this.releaseSells(request.symbol, context);
      const held = context.heldQtyBase(request.symbol);
      if (!(held > 0)) {
        state.status = 'cancelled'; // nothing left to protect or sell (a stop filled first)
        return;
      }
      if (request.qtyBase > held) state.request = { ...request, qtyBase: held };
    }
    const replaced = request.type === 'stop' ? this.workingStopOf(request.symbol, request.side) : undefined;
    if (replaced !== undefined) {
      replaced.status = 'cancelled';
      this.queue = this.queue.filter((action) => action.clientOrderId !== replaced.request.clientOrderId);
    }
    await this.persist(state.request);
    state.sent = true;
    const outcome = await context.broker.send(state.request, replaced?.request.clientOrderId);
    this.apply(state, outcome, context);
    if (replaced !== undefined) this.apply(replaced, await context.broker.refresh(rowOf(replaced.request)), context);
    if (request.type === 'stop' && state.status === 'rejected') await this.stopRefused(state, replaced, context);
  }

  /** The stop was refused: still protected by the stop it was to replace, or exited at market (field notes §6). */
  private async stopRefused(
    state: LiveOrderState,
    replaced: LiveOrderState | undefined,
    context: FlushContext,
  ): Promise<void> {
    if (replaced?.onExchange === true) return;
    const { symbol } = state.request;
    const held = context.heldQtyBase(symbol);
    const why = `stop ${state.request.clientOrderId} at ${state.request.stopPrice} refused by the exchange`;
    let exitId: string | null = null;
    if (held > 0) {
      const exit = this.submit(
        {
          clientOrderId: `emergency-exit:${state.request.clientOrderId}`,
          symbol,
          side: 'sell',
          type: 'market',
          qtyBase: held,
          reason: `${why}: emergency exit at market`,
        },
        context.time,
      ) as LiveOrderState;
      this.queue = this.queue.filter((action) => action.clientOrderId !== exit.request.clientOrderId);
      await this.place(exit, context);
      exitId = exit.status === 'filled' ? exit.request.clientOrderId : null;
    }
    const reason = exitId === null ? `${why}; the market exit failed too` : `${why}; exited ${held} at market`;
    context.onRiskEvent({
      time: context.time,
      type: 'stop-failed',
      from: 'open',
      to: exitId === null ? 'unprotected' : 'exit-at-market',
      reason,
      equity: null,
      symbol,
    });
    context.broker.emit({
      type: 'stop_failed',
      botId: this.bot.id,
      userId: this.bot.userId,
      symbol,
      clientOrderId: state.request.clientOrderId,
      reason: state.rejectReason ?? 'refused',
      exitClientOrderId: exitId,
    });
  }

  private async persist(request: OrderRequest): Promise<void> {
    await this.database.asService((tx) =>
      tx.orders.persist({ ...orderFromCore(request, { botId: this.bot.id }), userId: this.bot.userId }),
    );
  }

  /** The exchange's report becomes the port's state; its new fills and the row go to the runner. */
  private apply(state: LiveOrderState, outcome: LiveOrderOutcome, context: FlushContext): void {
    const row = outcome.order;
    state.onExchange = WORKING.has(row.status);
    // The controls' cancel stands in their view until the exchange has carried it out.
    if (state.status !== 'cancelled' || !state.onExchange)
      state.status = row.status === 'pending' ? 'open' : row.status;
    state.filledQtyBase = Number(row.filledQtyBase);
    state.filledQuote = Number(row.filledQuote);
    if (row.rejectReason !== null) state.rejectReason = row.rejectReason;
    for (const fill of outcome.fills) context.onFill(fill);
    context.onOrder(row);
  }

  /** The stored id of an order the controls name: their own names are hashed; ids the port knows pass as they are. */
  private idOf(name: string): string {
    if (this.states.has(name)) return name;
    return this.aliases.get(name) ?? riskOrderId(this.bot.id, name);
  }

  /** The bot's stop working on the exchange in this market (at most one: each new one replaces it). */
  private workingStopOf(symbol: string, side: string): LiveOrderState | undefined {
    for (const state of this.states.values()) {
      const { request } = state;
      if (state.onExchange && request.type === 'stop' && request.symbol === symbol && request.side === side) {
        return state;
      }
    }
    return undefined;
  }

  private workingStopLike(order: OrderRequest): LiveOrderState | undefined {
    const working = this.workingStopOf(order.symbol, order.side);
    if (working === undefined || !WORKING.has(working.status)) return undefined;
    const same = working.request.qtyBase === order.qtyBase && working.request.stopPrice === order.stopPrice;
    return same ? working : undefined;
  }
}

function rowOf(request: OrderRequest): Pick<Order, 'clientOrderId' | 'symbol' | 'side'> {
  return { clientOrderId: request.clientOrderId, symbol: request.symbol, side: request.side };
}
