/**
 * The live path's view of an exchange account, through the real ccxt client: what the live broker and the
 * reconciler ask of it, in the worker's terms. Every request draws its weight from the exchange's shared limiter
 * and retryable failures are retried with backoff and jitter; nothing here writes to the database.
 *
 * Placing an order is idempotent by client order id: when a create fails in a way that may hide an accepted order
 * (timeout, 5xx, dropped connection) the venue is asked for the client order id before anything is re-sent — and
 * asked again once the lost request is too old for the venue to accept (recvWindow), since Binance refuses a
 * re-used client order id only while the first order is open. A venue that refuses the id as a duplicate is asked
 * too. An order is never sent twice blind.
 *
 * Order types: market; limit (GTC); stop — a sell stop is Binance's STOP_LOSS (a market order once triggered) where
 * the market lists it, else STOP_LOSS_LIMIT with its limit STOP_LIMIT_ALLOWANCE below the trigger, so a moderate
 * gap still fills (a stop-limit a gap jumps over never fills: field notes §6, freqtrade#12984). A stop can replace
 * another in one request (Binance's cancelReplace, ccxt's editOrder): on spot the old stop locks the coins the new
 * one needs, so placing first is refused, and cancelling first would leave the position bare for a round trip.
 *
 * A stop and a take profit of one position go as one OCO order list (Binance's POST /api/v3/orderList/oco, which
 * the installed ccxt offers only as its implicit privatePostOrderListOco, not as a unified method): a LIMIT_MAKER
 * leg above the market and the stop leg below it share the quantity, locked once; when one fills the venue expires
 * the other. Placed as idempotently as an order (its legs are looked up by client order id), cancelled whole with
 * DELETE /api/v3/orderList.
 */
import type { OrderRequest } from '@keel/core/execution/types.ts';
import type { ExchangeRules } from '@keel/core/risk/exchange-constraints.ts';
import type { Order as CcxtOrder, Trade as CcxtTrade, Exchange } from 'ccxt';
import { classifyExchangeError, ExchangeFailure, isVenueDuplicateClientId } from './exchange-errors.ts';
import type { RequestLimiter } from './request-limiter.ts';
import { backoffDelayMs, DEFAULT_RETRY, type RetryOptions, withRetry } from './retry.ts';

export interface VenueTrade {
  tradeId: string;
  /** Venue time of the trade (ms). */
  time: number;
  priceQuote: number;
  qtyBase: number;
  /** Fee in the quote currency; a fee charged in another currency is valued at the trade price (approximate). */
  feeQuote: number;
  liquidity: 'maker' | 'taker';
}

/** ccxt's unified statuses; a market order that ran out of liquidity ends `expired` with a partial fill. */
export type VenueOrderStatus = 'open' | 'closed' | 'canceled' | 'expired' | 'rejected';

export interface VenueOrder {
  clientOrderId: string;
  exchangeOrderId: string;
  /** The exchange's id of the order list the order is a leg of; null: a plain order. */
  orderListId: string | null;
  status: VenueOrderStatus;
  filledQtyBase: number;
  filledQuote: number;
  trades: VenueTrade[];
}

/** Binance spot request weights (developers.binance.com, "Spot API" endpoint weights). */
export const REQUEST_WEIGHT = {
  createOrder: 1,
  createOrderList: 1,
  cancelOrderList: 1,
  fetchOrder: 4,
  cancelOrder: 1,
  fetchMyTrades: 5,
  fetchOpenOrders: 6,
  fetchBalance: 20,
  loadMarkets: 20,
} as const;

/** An OCO list protecting a long position: a sell stop and a sell take profit (limit) of the same quantity. */
export interface OcoListRequest {
  listClientOrderId: string;
  stop: OrderRequest;
  takeProfit: OrderRequest;
}

export interface VenueOcoList {
  stop: VenueOrder;
  takeProfit: VenueOrder;
}

export interface VenueOptions {
  client: Exchange;
  limiter: RequestLimiter;
  retry?: RetryOptions;
}

/** ccxt's precisionMode in which market precisions are step sizes (TICK_SIZE, ccxt base/functions/number.js). */
const CCXT_TICK_SIZE = 4;

/** How far below its trigger a stop-limit's limit sits (buy stops: above), where STOP_LOSS is not offered. */
export const STOP_LIMIT_ALLOWANCE = 0.01;

/** ccxt's symbol for a Keel market: BTC-USDT → BTC/USDT. */
export function ccxtSymbol(symbol: string): string {
  return symbol.replace('-', '/');
}

export class Venue {
  private readonly client: Exchange;
  private readonly limiter: RequestLimiter;
  private readonly retry: RetryOptions;

  constructor(options: VenueOptions) {
    this.client = options.client;
    this.limiter = options.limiter;
    this.retry = options.retry ?? {};
  }

  get exchangeId(): string {
    return this.client.id;
  }

  /**
   * Places an order under its client order id, or finds the one already placed; with its trades. `replacing`: the
   * client order id of a working order the venue cancels in the same request (cancelReplace).
   */
  placeOrder(order: OrderRequest, replacing?: string): Promise<VenueOrder> {
    return this.placeIdempotently(
      async () => {
        const created = await this.once(REQUEST_WEIGHT.createOrder, () => this.sendCreate(order, replacing));
        return this.withTrades(created, order.symbol);
      },
      () => this.findOrder(order.clientOrderId, order.symbol),
    );
  }

  /**
   * Places an OCO list protecting a long position (a sell stop below the market, a sell take profit above it), or
   * finds the one already placed: both legs, by their client order ids.
   */
  placeOcoList(list: OcoListRequest): Promise<VenueOcoList> {
    return this.placeIdempotently(
      async () => {
        const answer = await this.once(REQUEST_WEIGHT.createOrderList, () => this.sendOcoList(list));
        return this.ocoListFrom(answer, list);
      },
      async () => {
        const stop = await this.findOrder(list.stop.clientOrderId, list.stop.symbol);
        const takeProfit = await this.findOrder(list.takeProfit.clientOrderId, list.takeProfit.symbol);
        return stop === null || takeProfit === null ? null : { stop, takeProfit };
      },
    );
  }

  /** Cancels both legs of a working OCO list (Binance's DELETE /api/v3/orderList by listClientOrderId). */
  async cancelOcoList(listClientOrderId: string, symbol: string): Promise<void> {
    await this.retried(REQUEST_WEIGHT.cancelOrderList, () =>
      this.client.privateDeleteOrderList({ symbol: this.client.marketId(ccxtSymbol(symbol)), listClientOrderId }),
    );
  }

  /**
   * Sends `send` until it is answered, never twice blind: when a failure may hide an accepted request, `find` asks
   * the venue by client order id first.
   */
  private async placeIdempotently<T>(send: () => Promise<T>, find: () => Promise<T | null>): Promise<T> {
    const settings = { ...DEFAULT_RETRY, ...this.retry };
    let last: ExchangeFailure | undefined;
    for (let attempt = 0; attempt < settings.attempts; attempt++) {
      const sentAt = Date.now();
      try {
        return await send();
      } catch (error) {
        last = classifyExchangeError(error);
        const ambiguous = last.kind === 'retryable' || isVenueDuplicateClientId(error);
        if (ambiguous) {
          // The venue may hold the order: its word decides; an explicit "unknown" is the only licence to re-send.
          let found = await find();
          if (found === null && last.kind === 'retryable') {
            // The request we gave up on may still be on its way; once it is older than the venue accepts
            // (Binance refuses any older than recvWindow), "unknown" is final and the id may be sent again.
            await settings.sleep(Math.max(0, sentAt + this.requestLifetimeMs() - Date.now()));
            found = await find();
          }
          if (found !== null) return found;
          if (last.kind !== 'retryable') throw last;
        } else if (last.kind !== 'rate-limited') {
          throw last;
        }
        if (attempt === settings.attempts - 1) break;
        if (last.kind === 'rate-limited') this.limiter.holdFor(this.retryAfterMs() ?? settings.rateLimitWaitMs);
        else await settings.sleep(backoffDelayMs(attempt, settings));
      }
    }
    throw last;
  }

  /** The order with this client order id and its trades, or null when the venue says it has no such order. */
  async findOrder(clientOrderId: string, symbol: string): Promise<VenueOrder | null> {
    let found: CcxtOrder;
    try {
      found = await this.retried(REQUEST_WEIGHT.fetchOrder, () =>
        this.client.fetchOrder('', ccxtSymbol(symbol), { clientOrderId }),
      );
    } catch (error) {
      if (error instanceof ExchangeFailure && error.venueError === 'OrderNotFound') return null;
      throw error;
    }
    return this.withTrades(found, symbol);
  }

  async cancelOrder(clientOrderId: string, symbol: string): Promise<void> {
    await this.retried(REQUEST_WEIGHT.cancelOrder, () =>
      this.client.cancelOrder('', ccxtSymbol(symbol), { clientOrderId }),
    );
  }

  /** Client order ids of the orders working on the exchange in this market. */
  async openClientOrderIds(symbol: string): Promise<string[]> {
    const open = await this.retried(REQUEST_WEIGHT.fetchOpenOrders, () =>
      this.client.fetchOpenOrders(ccxtSymbol(symbol)),
    );
    return open.map((order) => order.clientOrderId).filter((id): id is string => typeof id === 'string');
  }

  /** Total holdings per asset, as the venue reports them; an asset it does not list is absent (not zero). */
  async balances(): Promise<Map<string, number>> {
    const balance = await this.retried(REQUEST_WEIGHT.fetchBalance, () => this.client.fetchBalance());
    const totals = new Map<string, number>();
    for (const [asset, total] of Object.entries(balance.total ?? {})) {
      if (typeof total === 'number') totals.set(asset, total);
    }
    return totals;
  }

  private sendCreate(order: OrderRequest, replacing: string | undefined): Promise<CcxtOrder> {
    const symbol = ccxtSymbol(order.symbol);
    const params: Record<string, unknown> = { clientOrderId: order.clientOrderId };
    if (order.quoteQty !== undefined) params.quoteOrderQty = order.quoteQty;
    let type = 'market';
    let price: number | undefined;
    if (order.type === 'limit') {
      type = 'limit';
      price = required(order.limitPrice, order, 'limitPrice');
      params.timeInForce = 'GTC';
    } else if (order.type === 'stop') {
      params.stopPrice = required(order.stopPrice, order, 'stopPrice');
      type = this.offers(symbol, 'STOP_LOSS') ? 'STOP_LOSS' : 'STOP_LOSS_LIMIT';
      if (type === 'STOP_LOSS_LIMIT') price = stopLimitPrice(order);
    }
    const amount = order.qtyBase ?? (undefined as unknown as number);
    if (replacing === undefined) return this.client.createOrder(symbol, type, order.side, amount, price, params);
    params.cancelOrigClientOrderId = replacing;
    return this.client.editOrder('', symbol, type, order.side, amount, price, params);
  }

  /**
   * Binance's new-OCO fields for a sell list: above, the take profit as LIMIT_MAKER (it must not trade at once:
   * a take profit the market already passed is refused); below, the stop as STOP_LOSS where the market lists it,
   * else STOP_LOSS_LIMIT with its limit past the trigger (as a plain stop, sendCreate).
   */
  private sendOcoList(list: OcoListRequest): Promise<unknown> {
    const { stop, takeProfit } = list;
    const symbol = ccxtSymbol(stop.symbol);
    const stopPrice = required(stop.stopPrice, stop, 'stopPrice');
    const quantity = required(stop.qtyBase, stop, 'qtyBase');
    const stopType = this.offers(symbol, 'STOP_LOSS') ? 'STOP_LOSS' : 'STOP_LOSS_LIMIT';
    const takeProfitLeg = {
      Type: 'LIMIT_MAKER',
      ClientOrderId: takeProfit.clientOrderId,
      Price: this.client.priceToPrecision(symbol, required(takeProfit.limitPrice, takeProfit, 'limitPrice')),
    };
    const stopLeg = {
      Type: stopType,
      ClientOrderId: stop.clientOrderId,
      StopPrice: this.client.priceToPrecision(symbol, stopPrice),
      ...(stopType === 'STOP_LOSS_LIMIT'
        ? { Price: this.client.priceToPrecision(symbol, stopLimitPrice(stop)), TimeInForce: 'GTC' }
        : {}),
    };
    const [above, below] = stop.side === 'sell' ? [takeProfitLeg, stopLeg] : [stopLeg, takeProfitLeg];
    const prefixed = (position: string, leg: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(leg).map(([field, value]) => [`${position}${field}`, value]));
    return this.client.privatePostOrderListOco({
      symbol: this.client.marketId(symbol),
      side: stop.side.toUpperCase(),
      quantity: this.client.amountToPrecision(symbol, quantity),
      listClientOrderId: list.listClientOrderId,
      newOrderRespType: 'FULL',
      ...prefixed('above', above),
      ...prefixed('below', below),
    });
  }

  /** The legs of Binance's order list report (orderReports), each parsed by ccxt as an order. */
  private async ocoListFrom(answer: unknown, list: OcoListRequest): Promise<VenueOcoList> {
    const reports = (answer as { orderReports?: unknown[] } | undefined)?.orderReports;
    if (!Array.isArray(reports)) {
      throw new ExchangeFailure('retryable', 'BadResponse', 'the exchange answered an order list without its orders');
    }
    const market = this.client.market(ccxtSymbol(list.stop.symbol));
    const legs = reports.map((report) => this.client.parseOrder(report as Record<string, unknown>, market));
    const leg = async (clientOrderId: string) => {
      const found = legs.find((order) => order.clientOrderId === clientOrderId);
      if (found === undefined) {
        throw new ExchangeFailure('retryable', 'BadResponse', `the exchange's order list lacks ${clientOrderId}`);
      }
      return this.withTrades(found, list.stop.symbol);
    };
    return { stop: await leg(list.stop.clientOrderId), takeProfit: await leg(list.takeProfit.clientOrderId) };
  }

  /**
   * The market's trading rules in the risk manager's terms (price tick, lot step, minimum order value), from the
   * exchange's market list, so the stops it computes are prices and sizes the venue takes as they are.
   */
  marketRules(symbol: string): ExchangeRules | undefined {
    const market = this.client.markets?.[ccxtSymbol(symbol)];
    if (market === undefined) return undefined;
    const step = (precision: number | undefined) =>
      precision === undefined ? undefined : this.client.precisionMode === CCXT_TICK_SIZE ? precision : 10 ** -precision;
    const rules: ExchangeRules = {};
    const tick = step(market.precision?.price);
    const lot = step(market.precision?.amount);
    const minNotional = market.limits?.cost?.min;
    if (tick !== undefined && tick > 0) rules.tickSizeQuote = tick;
    if (lot !== undefined && lot > 0) rules.lotStepBase = lot;
    if (minNotional !== undefined && minNotional > 0) rules.minNotionalQuote = minNotional;
    return rules;
  }

  /** Whether the market lists this order type (Binance's exchangeInfo orderTypes). */
  private offers(symbol: string, orderType: string): boolean {
    const info = this.client.markets?.[symbol]?.info as { orderTypes?: unknown } | undefined;
    return Array.isArray(info?.orderTypes) && info.orderTypes.includes(orderType);
  }

  private async withTrades(order: CcxtOrder, symbol: string): Promise<VenueOrder> {
    const filled = order.filled ?? 0;
    if (order.id === undefined)
      throw new ExchangeFailure('retryable', 'BadResponse', 'the exchange sent an order without id');
    const trades =
      filled > 0
        ? await this.retried(REQUEST_WEIGHT.fetchMyTrades, () =>
            this.client.fetchMyTrades(ccxtSymbol(symbol), undefined, undefined, { orderId: order.id }),
          )
        : [];
    const listId = (order.info as { orderListId?: unknown } | undefined)?.orderListId;
    return {
      clientOrderId: order.clientOrderId ?? '',
      exchangeOrderId: order.id,
      orderListId: listId === undefined || listId === null || Number(listId) === -1 ? null : String(listId),
      status: (order.status ?? 'open') as VenueOrderStatus,
      filledQtyBase: filled,
      filledQuote: order.cost ?? 0,
      trades: trades.filter((trade) => trade.order === order.id).map(venueTrade),
    };
  }

  private async once<T>(weight: number, call: () => Promise<T>): Promise<T> {
    await this.limiter.acquire(weight);
    return call();
  }

  private retried<T>(weight: number, call: () => Promise<T>): Promise<T> {
    return withRetry(
      () => this.once(weight, call),
      { limiter: this.limiter, retryAfterMs: () => this.retryAfterMs() },
      this.retry,
    );
  }

  /** How long after sending a request may still reach the venue: its recvWindow, else the client's timeout. */
  private requestLifetimeMs(): number {
    const recvWindow = Number((this.client.options as Record<string, unknown>).recvWindow);
    return Number.isFinite(recvWindow) && recvWindow > 0 ? recvWindow : this.client.timeout;
  }

  private retryAfterMs(): number | undefined {
    const headers = this.client.last_response_headers as Record<string, string> | undefined;
    const seconds = Number(headers?.['Retry-After']);
    return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
  }
}

function required(value: number | undefined, order: OrderRequest, field: string): number {
  if (value === undefined) {
    throw new ExchangeFailure('rejected', 'InvalidOrder', `${order.type} order ${order.clientOrderId} has no ${field}`);
  }
  return value;
}

/** The stop-limit's limit: the allowance past the trigger, to the trigger's own decimals (the venue's tick). */
function stopLimitPrice(order: OrderRequest): number {
  const trigger = order.stopPrice as number;
  const decimals = String(trigger).split('.')[1]?.length ?? 0;
  const allowance = order.side === 'sell' ? 1 - STOP_LIMIT_ALLOWANCE : 1 + STOP_LIMIT_ALLOWANCE;
  return Number((trigger * allowance).toFixed(decimals));
}

function venueTrade(trade: CcxtTrade): VenueTrade {
  const fee = trade.fee;
  const quote = trade.symbol?.split('/')[1];
  const feeQuote = fee?.cost === undefined ? 0 : fee.currency === quote ? fee.cost : fee.cost * (trade.price ?? 0);
  return {
    tradeId: String(trade.id),
    time: trade.timestamp ?? Date.now(),
    priceQuote: trade.price ?? 0,
    qtyBase: trade.amount ?? 0,
    feeQuote,
    liquidity: trade.takerOrMaker === 'maker' ? 'maker' : 'taker',
  };
}
