/**
 * The exchange as a live bot's risk controls see it: the same ExecutionPort the paper broker gives a paper bot, so
 * the core's RiskManager (Kelly cap, confidence gate, breakers, protective stops) drives live bots unchanged.
 *
 * The port is synchronous and the exchange is not: `submit` and `cancel` take effect here at once (the manager
 * reads them back in the same step) and are queued; the runner then calls `flush`, which carries them out in order,
 * each order persisted before it is sent (LiveBroker), and `poll` once per candle, which asks the exchange about
 * every order still working (a stop that triggered has filled) and records what it reports. Between candles the
 * key's user-data stream reports changes as they happen (onStreamReport), recorded the same way; the poll then
 * skips what the stream vouches for, and is the only path while the stream is down.
 *
 * Spot rules the paper broker does not have, handled here:
 * - a resting sell locks its coins, so a new stop cannot be placed beside the old one: a stop placed while another
 *   of the bot's stops works in the market replaces it in one request (venue.ts: cancelReplace) — the position is
 *   never without a stop between two round trips; the manager's later cancel of the old stop is then a no-op;
 * - a stop the same as the one working (same market, size and trigger: after a restart) is that one, not a second;
 * - a sell stop covers at most what the bot holds (the entry's provisional stop is sized on an estimate);
 * - before a market sell the bot's stops of that market are cancelled (freqtrade#8045: their coins are locked);
 * - a stop and a take profit the manager places together for one position (same market, one flush) go as ONE OCO
 *   order list (venue.ts): a resting take-profit sell beside the stop would need the coins the stop locks. The list
 *   and both legs have deterministic client order ids (client-order-id.ts) and both leg rows are in Postgres before
 *   the list is sent. A take profit alone beside a working stop (after a restart) joins it the same way: the stop's
 *   level goes into a new list with it.
 * Moving a list (a trailing stop, a new size): Binance has no amend for order lists, and the working list locks the
 * coins the new one needs, so place-then-cancel is refused (it would need the position free twice over, which a
 * bot's own position never is). The working protection is therefore cancelled first and the new list sent at once
 * after — cancel-then-place, the position bare for one round trip — and if the venue refuses the new list the
 * position is exited at market, as for a refused stop. A leg that filled before the cancel arrived comes back with
 * the cancel's report, so nothing is placed for a position already closed.
 * A stop (or list) the exchange refuses is followed by an exit at market (freqtrade PR #2206) and its owner is told;
 * when a replace fails but the old stop still works, the position is still protected and nothing is sold.
 */
import type { Fill, OrderRequest, OrderState } from '@keel/core/execution/types.ts';
import type { ExecutionPort, RiskEvent } from '@keel/core/risk/types.ts';
import { type Bot, type Database, type Order, orderFromCore } from '@keel/db';
import { orderListClientOrderId, riskOrderId } from '../bots/client-order-id.ts';
import type { LiveBroker, LiveOrderOutcome } from './live-broker.ts';
import type { StreamReport } from './user-data-stream.ts';

interface LiveOrderState extends OrderState {
  /** Known to the exchange (sent, or adopted from Postgres after reconciliation). */
  sent: boolean;
  /**
   * Working on the exchange as last reported: an order the controls cancelled stays so until the cancel is
   * carried out (its coins are locked till then; a new stop replaces it in the same request).
   */
  onExchange: boolean;
  /** A take profit of the controls (a sell limit they name `…:take-profit`, or an adopted list leg). */
  takeProfit: boolean;
  /** The OCO list the order was sent in, with both its legs' client order ids; null: a plain order. */
  list: { listClientOrderId: string; legIds: [stopId: string, takeProfitId: string] } | null;
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
  /** An order whose protection moved into another (a stop carried into a list beside a lone take profit). */
  private readonly successors = new Map<string, string>();
  private queue: PortAction[] = [];
  /**
   * The stream connection (its upEpoch) under which each order's state was last recorded from the exchange, and
   * the stream's count of its updates then.
   */
  private readonly confirmedIn = new Map<string, { epoch: number; pushes: number }>();
  private pollsSinceSafetyCheck = 0;

  constructor(bot: Bot, database: Database) {
    this.bot = bot;
    this.database = database;
  }

  /**
   * The bot's orders Postgres holds as working after reconciliation (its stops, and the legs of its OCO lists),
   * known to the exchange. A working sell limit kept by reconciliation is a list's take-profit leg; its stop leg is
   * the working sell stop of its market, and the list's id follows from that leg's.
   */
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
        takeProfit: order.type === 'limit' && order.side === 'sell',
        list: null,
      });
    }
    for (const state of this.states.values()) {
      if (!state.takeProfit) continue;
      const stop = this.workingStopOf(state.request.symbol, state.request.side);
      if (stop !== undefined) this.link(stop, state);
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
      takeProfit: false,
      list: null,
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
      takeProfit: isTakeProfitName(order),
      list: null,
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
        if (state.onExchange) await this.cancelOnExchange(state, context);
        continue;
      }
      if (state.status !== 'open' || state.sent) continue; // cancelled before it was sent: never sent
      const partner = this.takeQueuedPartner(state);
      if (partner !== undefined) {
        const [stop, takeProfit] = state.takeProfit ? [partner, state] : [state, partner];
        await this.placeList(stop, takeProfit, context);
        continue;
      }
      const workingStop = state.takeProfit ? this.workingStopOf(state.request.symbol, 'sell') : undefined;
      const same = workingStop === undefined ? undefined : this.workingTakeProfitLike(state.request);
      if (same !== undefined) this.answerFor(state, same);
      else if (workingStop !== undefined) await this.placeBesideStop(state, workingStop, context);
      else await this.place(state, context);
    }
  }

  /**
   * Asks the exchange about every order still working; a stop that triggered comes back filled.
   *
   * With the key's user-data stream up, an order whose state was recorded while the current connection was up is
   * skipped: the exchange pushes every change of it (user-data-stream.ts), and each push is recorded between
   * candles (onStreamReport) — asking again would only spend request weight (fetchOrder + fetchMyTrades per order
   * per candle, the cost that gets many-bot IPs banned: field notes §1.4). An order confirmed under an earlier
   * connection, or while the stream was down, is asked: the stream cannot vouch for what it may have missed. Every
   * `safetyPollEveryCandles`-th poll asks about every order regardless; one that changed without a push means the
   * stream is stalled (socket alive, nothing coming), and it is started over.
   */
  async poll(context: FlushContext): Promise<void> {
    const { stream } = context.broker;
    const epoch = stream.upEpoch();
    this.pollsSinceSafetyCheck = (this.pollsSinceSafetyCheck + 1) % context.broker.safetyPollEveryCandles;
    const safetyCheck = this.pollsSinceSafetyCheck === 0;
    for (const state of this.states.values()) {
      if (!state.onExchange) continue;
      const { clientOrderId } = state.request;
      const confirmed = this.confirmedIn.get(clientOrderId);
      const vouched = epoch !== null && confirmed?.epoch === epoch;
      if (vouched && !safetyCheck) continue;
      const before = `${state.status} ${state.filledQtyBase}`;
      this.apply(state, await context.broker.refresh(rowOf(state.request)), context);
      // A change whose update is on its way (received, queued behind this candle) is no sign of a stall.
      const unpushed = stream.pushesOf(clientOrderId) === confirmed?.pushes;
      if (vouched && unpushed && `${state.status} ${state.filledQtyBase}` !== before) {
        stream.suspectStall(`order ${clientOrderId} changed on the exchange without an update on the stream`);
      }
    }
  }

  /**
   * The key's user-data stream reported on an order (between candles): it is asked about and recorded exactly as
   * the poll would (same refresh, same recording, deduplicated by trade id: a fill the poll or reconciliation
   * recorded is not recorded again). The push itself is not booked: an executionReport carries only its own trade,
   * and the order's full report by client order id also holds any trade whose push was lost in a reconnect. On
   * `resumed`, every working order is asked: what changed while the stream was down was never pushed.
   */
  async onStreamReport(report: StreamReport, context: FlushContext): Promise<void> {
    for (const state of this.states.values()) {
      const reported = report.kind === 'resumed' || state.request.clientOrderId === report.clientOrderId;
      if (reported && state.onExchange) this.apply(state, await context.broker.refresh(rowOf(state.request)), context);
    }
  }

  /**
   * Cancels the bot's working sells in `symbol` (their coins are locked) before a market sell of it; their cancels
   * still queued find them settled and do nothing.
   */
  async releaseSells(symbol: string, context: FlushContext): Promise<void> {
    for (const state of this.states.values()) {
      if (state.onExchange && state.request.symbol === symbol && state.request.side === 'sell') {
        await this.cancelOnExchange(state, context);
      }
    }
  }

  private async place(state: LiveOrderState, context: FlushContext): Promise<void> {
    const request = state.request;
    if (request.type === 'stop' && this.workingStopOf(request.symbol, request.side)?.list != null) {
      // A list's leg cannot be cancel-replaced alone (cancelling a leg ends the list): cancel-then-place, as lists.
      await this.releaseProtection(request.symbol, context);
    }
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
    await this.persist([state.request]);
    state.sent = true;
    const outcome = await context.broker.send(state.request, replaced?.request.clientOrderId);
    this.apply(state, outcome, context);
    if (replaced !== undefined) this.apply(replaced, await context.broker.refresh(rowOf(replaced.request)), context);
    if (request.type === 'stop' && state.status === 'rejected') await this.stopRefused(state, replaced, context);
  }

  /**
   * One OCO list for the stop and take profit (file comment): the working protection of the market is cancelled
   * first (cancel-then-place), then both legs are persisted, sized to what the bot still holds, and the list sent;
   * a refused list exits the position at market.
   */
  private async placeList(stop: LiveOrderState, takeProfit: LiveOrderState, context: FlushContext): Promise<void> {
    const { symbol } = stop.request;
    await this.releaseProtection(symbol, context);
    const held = context.heldQtyBase(symbol);
    if (!(held > 0)) {
      stop.status = 'cancelled'; // a leg of the old list filled before its cancel: nothing left to protect
      takeProfit.status = 'cancelled';
      return;
    }
    const qtyBase = Math.min(held, stop.request.qtyBase ?? held);
    stop.request = { ...stop.request, qtyBase };
    takeProfit.request = { ...takeProfit.request, qtyBase };
    this.link(stop, takeProfit);
    const listClientOrderId = orderListClientOrderId(stop.request.clientOrderId);
    await this.persist([stop.request, takeProfit.request]);
    stop.sent = true;
    takeProfit.sent = true;
    const outcome = await context.broker.sendOcoList({
      listClientOrderId,
      stop: stop.request,
      takeProfit: takeProfit.request,
    });
    this.apply(stop, outcome.stop, context);
    this.apply(takeProfit, outcome.takeProfit, context);
    if (stop.status === 'rejected') {
      const what = `OCO list ${listClientOrderId} (stop at ${stop.request.stopPrice}, take profit at ${takeProfit.request.limitPrice})`;
      await this.stopRefused(stop, undefined, context, what);
    }
  }

  /**
   * A take profit with no stop of its own in this flush, beside a stop working in its market (the manager's stop was
   * the working one: after a restart): the working stop's level and the take profit go as one list, the stop under a
   * new leg id that answers for the old one from now on.
   */
  private async placeBesideStop(
    takeProfit: LiveOrderState,
    working: LiveOrderState,
    context: FlushContext,
  ): Promise<void> {
    // A name of its own (a stored id given to riskOrderId would pass through unhashed): deterministic, ≤ 36 chars.
    const clientOrderId = riskOrderId(this.bot.id, `stop beside ${takeProfit.request.clientOrderId}`);
    const stop: LiveOrderState = {
      ...working,
      request: { ...working.request, clientOrderId },
      status: 'open',
      filledQtyBase: 0,
      filledQuote: 0,
      sent: false,
      onExchange: false,
      takeProfit: false,
      list: null,
    };
    this.states.set(clientOrderId, stop);
    this.successors.set(working.request.clientOrderId, clientOrderId);
    await this.placeList(stop, takeProfit, context);
  }

  /**
   * Cancels the market's working protection — its stops and its lists (one request per list) — and records what
   * the venue reports of them; a leg that filled before the cancel arrived comes back with its fills.
   */
  private async releaseProtection(symbol: string, context: FlushContext): Promise<void> {
    for (const state of this.states.values()) {
      const { request } = state;
      const protective = request.type === 'stop' || state.takeProfit;
      if (state.onExchange && request.symbol === symbol && request.side === 'sell' && protective) {
        await this.cancelOnExchange(state, context);
      }
    }
  }

  /**
   * Cancels a working order — a list's leg: the whole list, in one request (on Binance cancelling one leg ends the
   * list anyway) — and records what the venue then reports of each.
   */
  private async cancelOnExchange(state: LiveOrderState, context: FlushContext): Promise<void> {
    const { list } = state;
    const legs = list === null ? [state] : list.legIds.map((id) => this.states.get(id) as LiveOrderState);
    for (const leg of legs) leg.status = 'cancelled';
    const outcomes =
      list === null
        ? [await context.broker.cancel(rowOf(state.request))]
        : await context.broker.cancelOcoList(
            list.listClientOrderId,
            legs.map((leg) => rowOf(leg.request)),
          );
    for (const [index, leg] of legs.entries()) this.apply(leg, outcomes[index] as LiveOrderOutcome, context);
  }

  /** The stop was refused: still protected by the stop it was to replace, or exited at market (field notes §6). */
  private async stopRefused(
    state: LiveOrderState,
    replaced: LiveOrderState | undefined,
    context: FlushContext,
    what = `stop ${state.request.clientOrderId} at ${state.request.stopPrice}`,
  ): Promise<void> {
    if (replaced?.onExchange === true) return;
    const { symbol } = state.request;
    const held = context.heldQtyBase(symbol);
    const why = `${what} refused by the exchange`;
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

  /** The rows of orders about to be sent, in one transaction: a list's two legs are stored together. */
  private async persist(requests: readonly OrderRequest[]): Promise<void> {
    await this.database.asService(async (tx) => {
      for (const request of requests) {
        await tx.orders.persist({ ...orderFromCore(request, { botId: this.bot.id }), userId: this.bot.userId });
      }
    });
  }

  /** The unsent order queued to go with `state` as one list: its take profit, or its stop. */
  private takeQueuedPartner(state: LiveOrderState): LiveOrderState | undefined {
    const { symbol, side, type } = state.request;
    if (side !== 'sell' || (type !== 'stop' && !state.takeProfit)) return undefined;
    const index = this.queue.findIndex((action) => {
      const other = this.states.get(action.clientOrderId) as LiveOrderState;
      const pairs = state.takeProfit ? other.request.type === 'stop' && !other.takeProfit : other.takeProfit;
      return (
        action.kind === 'place' &&
        pairs &&
        !other.sent &&
        other.status === 'open' &&
        other.request.symbol === symbol &&
        other.request.side === side
      );
    });
    if (index === -1) return undefined;
    const [action] = this.queue.splice(index, 1);
    return this.states.get((action as PortAction).clientOrderId);
  }

  private link(stop: LiveOrderState, takeProfit: LiveOrderState): void {
    const list = {
      listClientOrderId: orderListClientOrderId(stop.request.clientOrderId),
      legIds: [stop.request.clientOrderId, takeProfit.request.clientOrderId] as [string, string],
    };
    stop.list = list;
    takeProfit.list = list;
  }

  /** The exchange's report becomes the port's state; its new fills and the row go to the runner. */
  private apply(state: LiveOrderState, outcome: LiveOrderOutcome, context: FlushContext): void {
    const row = outcome.order;
    // Recorded while the stream was up: its later changes are pushed (a reconnect in between is followed by a
    // `resumed` report, which asks again).
    const { stream } = context.broker;
    const epoch = stream.upEpoch();
    if (epoch === null) this.confirmedIn.delete(row.clientOrderId);
    else this.confirmedIn.set(row.clientOrderId, { epoch, pushes: stream.pushesOf(row.clientOrderId) });
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
    let id = this.states.has(name) ? name : (this.aliases.get(name) ?? riskOrderId(this.bot.id, name));
    for (let next = this.successors.get(id); next !== undefined; next = this.successors.get(id)) id = next;
    return id;
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

  /**
   * The list's take profit working in this market at the same size and price (an adopted list, when the manager's
   * stop was the working one). Asked at flush, not at submit: a take profit the manager re-sends beside a moved
   * stop is not "the same" — both go in the new list.
   */
  private workingTakeProfitLike(order: OrderRequest): LiveOrderState | undefined {
    for (const state of this.states.values()) {
      const { request } = state;
      const same =
        request.symbol === order.symbol && request.qtyBase === order.qtyBase && request.limitPrice === order.limitPrice;
      if (state.takeProfit && state.list !== null && state.onExchange && WORKING.has(state.status) && same) {
        return state;
      }
    }
    return undefined;
  }

  /** `state` was never sent: `working` answers for it from now on. */
  private answerFor(state: LiveOrderState, working: LiveOrderState): void {
    const { clientOrderId } = state.request;
    const workingId = working.request.clientOrderId;
    this.states.delete(clientOrderId);
    this.successors.set(clientOrderId, workingId);
    // A cancel the controls queued for it is one of the working order now.
    this.queue = this.queue.map((action) =>
      action.clientOrderId === clientOrderId ? { ...action, clientOrderId: workingId } : action,
    );
  }

  private workingStopLike(order: OrderRequest): LiveOrderState | undefined {
    const working = this.workingStopOf(order.symbol, order.side);
    if (working === undefined || !WORKING.has(working.status)) return undefined;
    const same = working.request.qtyBase === order.qtyBase && working.request.stopPrice === order.stopPrice;
    return same ? working : undefined;
  }
}

/** The risk manager names its take profits `<botId>:<symbol>:<time>:take-profit` (protective-stops.ts). */
function isTakeProfitName(order: OrderRequest): boolean {
  return order.type === 'limit' && order.side === 'sell' && order.clientOrderId.endsWith(':take-profit');
}

function rowOf(request: OrderRequest): Pick<Order, 'clientOrderId' | 'symbol' | 'side'> {
  return { clientOrderId: request.clientOrderId, symbol: request.symbol, side: request.side };
}
