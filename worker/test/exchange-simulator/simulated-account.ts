/**
 * The simulated venue's books for one account: balances, orders (by exchange order id and by client order id) and
 * trades. Market orders match at the market's configured price, in `tradesPerOrder` trades, fill `fillRatio` of the
 * asked size (the rest expires, as a Binance market order that ran out of liquidity) and pay `takerFeeRate` in the
 * quote asset. Money is exact (core decimals); the simulator never rounds in the account's favour.
 *
 * Resting orders, as Binance spot keeps them: LIMIT (a marketable one takes at the market price at once, else it
 * rests and fills whole at its price as maker when the price reaches it), STOP_LOSS (a market order once the price
 * trades at or through the stop) and STOP_LOSS_LIMIT (a limit order at `price` once triggered: a gap through the
 * limit leaves it unfilled, the risk field notes' #12984). A resting order locks what it could spend — the base of a
 * sell, the quote of a buy — so a second full-size sell is refused for insufficient balance, as on Binance. Stops
 * trigger when the test moves the price (setPrice), in the order they were placed.
 *
 * OCO order lists (Binance's POST /api/v3/orderList/oco), sells only: a LIMIT_MAKER leg above the market and a
 * STOP_LOSS(_LIMIT) leg below it, sharing one quantity and locking it once. Whichever leg the price
 * reaches first works as its own type would, and the other leg expires at that moment (Binance reports it EXPIRED);
 * cancelling either leg, or the list, cancels both (CANCELED). A LIMIT_MAKER that would trade at once is refused.
 */
import { addDecimal, divDecimal, mulDecimal, subDecimal } from '@keel/core/money/arithmetic.ts';
import { compareDecimal, DECIMAL_ONE, DECIMAL_ZERO, type Decimal } from '@keel/core/money/decimal.ts';
import { formatDecimal } from '@keel/core/money/format.ts';
import { decimalFromString } from '@keel/core/money/parse.ts';
import { roundToStep } from '@keel/core/money/step.ts';

export interface SimulatedMarket {
  /** Binance's symbol, e.g. BTCUSDT. */
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  priceQuote: string;
  /** LOT_SIZE step. */
  stepSize: string;
}

export interface MatchingOptions {
  /** Default 0.001 (Binance's base spot taker fee, 0.1%). */
  takerFeeRate: string;
  /** Share of a market order that finds liquidity; default 1. */
  fillRatio: string;
  /** Trades a filled amount is split into; default 1. */
  tradesPerOrder: number;
}

export type SimulatedOrderType = 'MARKET' | 'LIMIT' | 'LIMIT_MAKER' | 'STOP_LOSS' | 'STOP_LOSS_LIMIT';

export type SimulatedOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';

export interface SimulatedOrder {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  type: SimulatedOrderType;
  origQty: Decimal;
  origQuoteOrderQty: Decimal;
  executedQty: Decimal;
  cummulativeQuoteQty: Decimal;
  /** A limit's price; a market order's average price once filled. */
  price: Decimal;
  /** Stops: the trigger; zero otherwise. */
  stopPrice: Decimal;
  /** A stop whose price was reached (it now works as a market or limit order). */
  triggered: boolean;
  status: SimulatedOrderStatus;
  time: number;
  updateTime: number;
  /** The order list it is a leg of; -1: none (Binance's value). */
  orderListId: number;
}

export interface SimulatedOrderList {
  orderListId: number;
  listClientOrderId: string;
  symbol: string;
  /** Exchange order ids of the legs: [above, below] as placed. */
  orderIds: number[];
  /** EXEC_STARTED while both legs work; ALL_DONE once one filled or the list was cancelled. */
  listStatusType: 'EXEC_STARTED' | 'ALL_DONE';
  transactionTime: number;
}

/** One leg of a new OCO list: `price` for LIMIT_MAKER and STOP_LOSS_LIMIT, `stopPrice` for the stops. */
export interface NewSimulatedLeg {
  type: SimulatedOrderType;
  clientOrderId: string;
  price?: string;
  stopPrice?: string;
}

export interface NewSimulatedOcoList {
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity: string;
  listClientOrderId: string;
  above: NewSimulatedLeg;
  below: NewSimulatedLeg;
}

export interface SimulatedTrade {
  id: number;
  orderId: number;
  symbol: string;
  side: 'BUY' | 'SELL';
  price: Decimal;
  qty: Decimal;
  quoteQty: Decimal;
  commission: Decimal;
  commissionAsset: string;
  time: number;
  isMaker: boolean;
}

export class SimulatedOrderError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = 'SimulatedOrderError';
    this.code = code;
  }
}

export const INSUFFICIENT_BALANCE = 'Account has insufficient balance for requested action.';
export const DUPLICATE_ORDER = 'Duplicate order sent.';
export const UNKNOWN_ORDER = 'Order does not exist.';
export const STOP_WOULD_TRIGGER = 'Stop price would trigger immediately.';
export const ORDER_LIST_PRICES = 'The relationship of the prices for the orders is not correct.';
export const UNKNOWN_ORDER_LIST = 'Order list does not exist.';

export interface NewSimulatedOrder {
  symbol: string;
  side: 'BUY' | 'SELL';
  /** Default MARKET. */
  type?: SimulatedOrderType;
  quantity?: string;
  quoteOrderQty?: string;
  /** LIMIT and STOP_LOSS_LIMIT. */
  price?: string;
  /** STOP_LOSS and STOP_LOSS_LIMIT. */
  stopPrice?: string;
  clientOrderId: string;
}

export class SimulatedAccount {
  readonly markets = new Map<string, SimulatedMarket>();
  /** Total holdings per asset, locked amounts included (Binance's free + locked). */
  readonly balances = new Map<string, Decimal>();
  readonly orders: SimulatedOrder[] = [];
  readonly trades: SimulatedTrade[] = [];
  readonly orderLists: SimulatedOrderList[] = [];
  matching: MatchingOptions = { takerFeeRate: '0.001', fillRatio: '1', tradesPerOrder: 1 };
  /**
   * Refuse a client order id already used, as Binance does for open orders. The chaos test turns it off, so a
   * client that re-sent an order blindly would create a second one there, and be caught.
   */
  refuseDuplicateClientIds = true;
  /** Order types the venue takes per market (its exchangeInfo orderTypes); Binance spot's usual set by default. */
  orderTypes: SimulatedOrderType[] = ['LIMIT', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT'];
  /** Order types the venue refuses to place, as Binance refuses a stop it finds invalid (a test's "stop refused"). */
  readonly refuseTypes = new Set<SimulatedOrderType>();
  /** Refuse every OCO list, as Binance refuses one it finds invalid (a test's "list refused"). */
  refuseOrderLists = false;
  /** Told after the price moved (resting orders may have triggered): the user-data stream pushes what changed. */
  onPriceMoved: (() => void) | null = null;
  private nextOrderId = 1000;
  private nextOrderListId = 1;
  private nextTradeId = 5000;

  constructor(markets: SimulatedMarket[], balances: Record<string, string>) {
    for (const market of markets) this.markets.set(market.symbol, market);
    for (const [asset, amount] of Object.entries(balances)) this.balances.set(asset, decimalFromString(amount));
  }

  balance(asset: string): Decimal {
    return this.balances.get(asset) ?? DECIMAL_ZERO;
  }

  /** What resting orders hold of `asset`: the base of resting sells, the quote of resting buys. */
  locked(asset: string): Decimal {
    let locked = DECIMAL_ZERO;
    const listsCounted = new Set<number>();
    for (const order of this.orders) {
      if (!isResting(order)) continue;
      // The legs of a list share one quantity: it is locked once.
      if (order.orderListId !== -1) {
        if (listsCounted.has(order.orderListId)) continue;
        listsCounted.add(order.orderListId);
      }
      const market = this.market(order.symbol);
      const left = subDecimal(order.origQty, order.executedQty);
      if (order.side === 'SELL' && market.baseAsset === asset) locked = addDecimal(locked, left);
      if (order.side === 'BUY' && market.quoteAsset === asset)
        locked = addDecimal(locked, mulDecimal(left, order.price, 'up'));
    }
    return locked;
  }

  free(asset: string): Decimal {
    return subDecimal(this.balance(asset), this.locked(asset));
  }

  /** Moves the market's price; resting orders it reaches trigger and fill, in the order they were placed. */
  setPrice(symbol: string, priceQuote: string, now = Date.now()): void {
    this.market(symbol).priceQuote = priceQuote;
    const price = decimalFromString(priceQuote);
    for (const order of this.orders) {
      if (order.symbol !== symbol || !isResting(order)) continue;
      this.work(order, price, now);
    }
    this.onPriceMoved?.();
  }

  market(symbol: string): SimulatedMarket {
    const market = this.markets.get(symbol);
    if (market === undefined) throw new SimulatedOrderError(-1121, 'Invalid symbol.');
    return market;
  }

  findOrder(symbol: string, by: { orderId?: number; clientOrderId?: string }): SimulatedOrder {
    const order = this.orders.find(
      (candidate) =>
        candidate.symbol === symbol &&
        (by.orderId === undefined || candidate.orderId === by.orderId) &&
        (by.clientOrderId === undefined || candidate.clientOrderId === by.clientOrderId),
    );
    if (order === undefined) throw new SimulatedOrderError(-2013, UNKNOWN_ORDER);
    return order;
  }

  /** Places an order of any supported type; a market order (or marketable limit) trades at once. */
  placeOrder(request: NewSimulatedOrder, now: number): { order: SimulatedOrder; trades: SimulatedTrade[] } {
    const type = request.type ?? 'MARKET';
    if (!this.orderTypes.includes(type)) throw new SimulatedOrderError(-1116, 'Invalid orderType.');
    if (this.refuseTypes.has(type)) throw new SimulatedOrderError(-2010, STOP_WOULD_TRIGGER);
    if (type === 'MARKET') return this.placeMarketOrder(request, now);
    return { order: this.placeRestingOrder(request, type, now), trades: [] };
  }

  placeMarketOrder(request: NewSimulatedOrder, now: number): { order: SimulatedOrder; trades: SimulatedTrade[] } {
    const market = this.market(request.symbol);
    this.checkClientOrderId(request.clientOrderId);
    const price = decimalFromString(market.priceQuote);
    const step = decimalFromString(market.stepSize);
    const ratio = decimalFromString(this.matching.fillRatio);
    const feeRate = decimalFromString(this.matching.takerFeeRate);
    // A quote-sized buy spends at most quoteOrderQty, fee included (as the core's OrderRequest.quoteQty).
    const asked =
      request.quantity !== undefined
        ? decimalFromString(request.quantity)
        : roundToStep(
            divDecimal(
              decimalFromString(request.quoteOrderQty ?? '0'),
              mulDecimal(price, addDecimal(DECIMAL_ONE, feeRate), 'up'),
              'down',
            ),
            step,
            'down',
          );
    const filledQty = roundToStep(mulDecimal(asked, ratio, 'down'), step, 'down');
    const filledQuote = mulDecimal(filledQty, price, 'up');
    const fee = mulDecimal(filledQuote, feeRate, 'up');
    this.checkFunds(market, request.side, filledQty, filledQuote, fee);

    const order = this.newOrder(request, 'MARKET', now);
    order.origQty = request.quantity !== undefined ? asked : DECIMAL_ZERO;
    this.orders.push(order);
    const trades = this.splitIntoTrades(market, order, filledQty, price, now, false);
    order.status = compareDecimal(filledQty, asked) === 0 ? 'FILLED' : 'EXPIRED';
    return { order, trades };
  }

  cancel(symbol: string, by: { orderId?: number; clientOrderId?: string }, now: number): SimulatedOrder {
    const order = this.findOrder(symbol, by);
    if (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED') {
      throw new SimulatedOrderError(-2011, 'Unknown order sent.');
    }
    // Binance: cancelling one leg of an order list cancels the whole list.
    if (order.orderListId !== -1) this.endList(this.orderListOf(order), 'CANCELED', now);
    order.status = 'CANCELED';
    order.updateTime = now;
    return order;
  }

  findOrderList(symbol: string, by: { orderListId?: number; listClientOrderId?: string }): SimulatedOrderList {
    const list = this.orderLists.find(
      (candidate) =>
        candidate.symbol === symbol &&
        (by.orderListId === undefined || candidate.orderListId === by.orderListId) &&
        (by.listClientOrderId === undefined || candidate.listClientOrderId === by.listClientOrderId),
    );
    if (list === undefined) throw new SimulatedOrderError(-2011, UNKNOWN_ORDER_LIST);
    return list;
  }

  legsOf(list: SimulatedOrderList): SimulatedOrder[] {
    return list.orderIds.map((orderId) => this.findOrder(list.symbol, { orderId }));
  }

  /** Binance's DELETE /api/v3/orderList: both legs cancelled; a list already done is refused (-2011). */
  cancelOrderList(
    symbol: string,
    by: { orderListId?: number; listClientOrderId?: string },
    now: number,
  ): SimulatedOrderList {
    const list = this.findOrderList(symbol, by);
    if (list.listStatusType === 'ALL_DONE') throw new SimulatedOrderError(-2011, 'Unknown order list sent.');
    this.endList(list, 'CANCELED', now);
    return list;
  }

  /**
   * Binance's POST /api/v3/orderList/oco, for a sell: LIMIT_MAKER price above the market, stop trigger below it; the
   * list's and both legs' client order ids are checked for duplicates; the quantity is locked once.
   */
  placeOcoList(request: NewSimulatedOcoList, now: number): SimulatedOrderList {
    const market = this.market(request.symbol);
    for (const leg of [request.above, request.below]) {
      if (!this.orderTypes.includes(leg.type) && leg.type !== 'LIMIT_MAKER') {
        throw new SimulatedOrderError(-1116, 'Invalid orderType.');
      }
      this.checkClientOrderId(leg.clientOrderId);
    }
    if (this.refuseOrderLists) throw new SimulatedOrderError(-2010, STOP_WOULD_TRIGGER);
    if (this.orderLists.some((list) => list.listClientOrderId === request.listClientOrderId)) {
      throw new SimulatedOrderError(-2010, DUPLICATE_ORDER);
    }
    // A bot protects long spot positions only: sell lists (a buy list's quote lock is not modelled).
    if (request.side !== 'SELL') throw new SimulatedOrderError(-1106, 'simulator: only SELL order lists are modelled.');
    const { above: limitLeg, below: stopLeg } = request;
    if (limitLeg.type !== 'LIMIT_MAKER' || (stopLeg.type !== 'STOP_LOSS' && stopLeg.type !== 'STOP_LOSS_LIMIT')) {
      throw new SimulatedOrderError(-1106, 'An OCO needs a LIMIT_MAKER leg and a STOP_LOSS or STOP_LOSS_LIMIT leg.');
    }
    const limitPrice = decimalFromString(required(limitLeg.price, 'price'));
    const stopPrice = decimalFromString(required(stopLeg.stopPrice, 'stopPrice'));
    if (stopLeg.type === 'STOP_LOSS_LIMIT') required(stopLeg.price, 'price');
    const last = decimalFromString(market.priceQuote);
    const pricesInOrder = compareDecimal(limitPrice, last) > 0 && compareDecimal(last, stopPrice) > 0;
    if (!pricesInOrder) throw new SimulatedOrderError(-2010, ORDER_LIST_PRICES);
    const quantity = decimalFromString(request.quantity);
    if (compareDecimal(this.free(market.baseAsset), quantity) < 0) {
      throw new SimulatedOrderError(-2010, INSUFFICIENT_BALANCE);
    }

    const list: SimulatedOrderList = {
      orderListId: this.nextOrderListId++,
      listClientOrderId: request.listClientOrderId,
      symbol: request.symbol,
      orderIds: [],
      listStatusType: 'EXEC_STARTED',
      transactionTime: now,
    };
    for (const leg of [request.above, request.below]) {
      const order = this.newOrder(
        { symbol: request.symbol, side: request.side, clientOrderId: leg.clientOrderId },
        leg.type,
        now,
      );
      order.origQty = quantity;
      order.orderListId = list.orderListId;
      if (leg.price !== undefined) order.price = decimalFromString(leg.price);
      if (leg.stopPrice !== undefined) order.stopPrice = decimalFromString(leg.stopPrice);
      this.orders.push(order);
      list.orderIds.push(order.orderId);
    }
    this.orderLists.push(list);
    return list;
  }

  /**
   * Binance's cancelReplace (STOP_ON_FAILURE): the old order is cancelled and the new one placed in one request;
   * a failed cancel places nothing; a refused new order leaves the old one cancelled (a partial failure, -2021).
   */
  cancelReplace(
    symbol: string,
    cancel: { orderId?: number; clientOrderId?: string },
    request: NewSimulatedOrder,
    now: number,
  ): { cancelled: SimulatedOrder; placed: { order: SimulatedOrder; trades: SimulatedTrade[] } } {
    const cancelled = this.cancel(symbol, cancel, now);
    try {
      return { cancelled, placed: this.placeOrder(request, now) };
    } catch (error) {
      if (!(error instanceof SimulatedOrderError)) throw error;
      throw new SimulatedOrderError(-2021, `Order cancel-replace partially failed. (new order: ${error.message})`);
    }
  }

  tradesOf(symbol: string, orderId: number | undefined): SimulatedTrade[] {
    return this.trades.filter(
      (trade) => trade.symbol === symbol && (orderId === undefined || trade.orderId === orderId),
    );
  }

  private placeRestingOrder(request: NewSimulatedOrder, type: SimulatedOrderType, now: number): SimulatedOrder {
    const market = this.market(request.symbol);
    this.checkClientOrderId(request.clientOrderId);
    if (request.quantity === undefined)
      throw new SimulatedOrderError(-1102, "Mandatory parameter 'quantity' was not sent.");
    const isStop = type === 'STOP_LOSS' || type === 'STOP_LOSS_LIMIT';
    if (isStop && request.stopPrice === undefined) {
      throw new SimulatedOrderError(-1102, "Mandatory parameter 'stopPrice' was not sent.");
    }
    if (type !== 'STOP_LOSS' && request.price === undefined) {
      throw new SimulatedOrderError(-1102, "Mandatory parameter 'price' was not sent.");
    }
    const order = this.newOrder(request, type, now);
    order.origQty = decimalFromString(request.quantity);
    if (request.price !== undefined) order.price = decimalFromString(request.price);
    if (request.stopPrice !== undefined) order.stopPrice = decimalFromString(request.stopPrice);
    const price = decimalFromString(market.priceQuote);
    if (isStop && stopReached(order, price)) throw new SimulatedOrderError(-2010, STOP_WOULD_TRIGGER);
    const lockedAsset = order.side === 'SELL' ? market.baseAsset : market.quoteAsset;
    const needed = order.side === 'SELL' ? order.origQty : mulDecimal(order.origQty, order.price, 'up');
    if (compareDecimal(this.free(lockedAsset), needed) < 0) throw new SimulatedOrderError(-2010, INSUFFICIENT_BALANCE);
    this.orders.push(order);
    if (!isStop) this.work(order, price, now);
    return order;
  }

  /** A resting order meets the price: a stop triggers; a triggered stop or a limit fills if it can. */
  private work(order: SimulatedOrder, price: Decimal, now: number): void {
    const market = this.market(order.symbol);
    if ((order.type === 'STOP_LOSS' || order.type === 'STOP_LOSS_LIMIT') && !order.triggered) {
      if (!stopReached(order, price)) return;
      order.triggered = true;
      order.updateTime = now;
      this.legActivated(order, now);
    }
    const left = subDecimal(order.origQty, order.executedQty);
    if (order.type === 'STOP_LOSS') {
      // Triggered: a market order, at whatever the market pays now.
      const quote = mulDecimal(left, price, 'up');
      const fee = mulDecimal(quote, decimalFromString(this.matching.takerFeeRate), 'up');
      if (!this.hasFunds(market, order.side, left, quote, fee, left)) {
        order.status = 'EXPIRED';
        return;
      }
      this.splitIntoTrades(market, order, left, price, now, false);
      order.price = price;
      order.status = 'FILLED';
      return;
    }
    const reached =
      order.side === 'SELL' ? compareDecimal(price, order.price) >= 0 : compareDecimal(price, order.price) <= 0;
    if (!reached) return;
    this.legActivated(order, now);
    // A limit resting before the price came to it fills at its own price, as maker; a marketable one takes at once.
    const resting = order.updateTime < now || order.type === 'STOP_LOSS_LIMIT' || order.type === 'LIMIT_MAKER';
    const fillPrice = resting ? order.price : price;
    this.splitIntoTrades(market, order, left, fillPrice, now, resting);
    order.status = 'FILLED';
  }

  /** A leg of a list triggered or is about to fill: the other legs expire now, and the list is done. */
  private legActivated(order: SimulatedOrder, now: number): void {
    if (order.orderListId === -1) return;
    const list = this.orderListOf(order);
    if (list.listStatusType === 'ALL_DONE') return;
    list.listStatusType = 'ALL_DONE';
    for (const leg of this.legsOf(list)) {
      if (leg === order || !isResting(leg)) continue;
      leg.status = 'EXPIRED';
      leg.updateTime = now;
    }
  }

  private endList(list: SimulatedOrderList, status: 'CANCELED', now: number): void {
    list.listStatusType = 'ALL_DONE';
    for (const leg of this.legsOf(list)) {
      if (!isResting(leg)) continue;
      leg.status = status;
      leg.updateTime = now;
    }
  }

  private orderListOf(order: SimulatedOrder): SimulatedOrderList {
    return this.findOrderList(order.symbol, { orderListId: order.orderListId });
  }

  private newOrder(request: NewSimulatedOrder, type: SimulatedOrderType, now: number): SimulatedOrder {
    return {
      orderId: this.nextOrderId++,
      clientOrderId: request.clientOrderId,
      symbol: request.symbol,
      side: request.side,
      type,
      origQty: DECIMAL_ZERO,
      origQuoteOrderQty: request.quoteOrderQty !== undefined ? decimalFromString(request.quoteOrderQty) : DECIMAL_ZERO,
      executedQty: DECIMAL_ZERO,
      cummulativeQuoteQty: DECIMAL_ZERO,
      price: DECIMAL_ZERO,
      stopPrice: DECIMAL_ZERO,
      triggered: false,
      status: 'NEW',
      time: now,
      updateTime: now,
      orderListId: -1,
    };
  }

  private checkClientOrderId(clientOrderId: string): void {
    // Binance refuses a client order id already used by an open order; this venue, stricter, by any order.
    if (this.refuseDuplicateClientIds && this.orders.some((order) => order.clientOrderId === clientOrderId)) {
      throw new SimulatedOrderError(-2010, DUPLICATE_ORDER);
    }
  }

  private checkFunds(market: SimulatedMarket, side: 'BUY' | 'SELL', qty: Decimal, quote: Decimal, fee: Decimal) {
    if (!this.hasFunds(market, side, qty, quote, fee, DECIMAL_ZERO)) {
      throw new SimulatedOrderError(-2010, INSUFFICIENT_BALANCE);
    }
  }

  /** `ownLockBase`: base the order itself holds locked (a triggered stop spends its own lock). */
  private hasFunds(
    market: SimulatedMarket,
    side: 'BUY' | 'SELL',
    qty: Decimal,
    quote: Decimal,
    fee: Decimal,
    ownLockBase: Decimal,
  ): boolean {
    return side === 'BUY'
      ? compareDecimal(this.free(market.quoteAsset), addDecimal(quote, fee)) >= 0
      : compareDecimal(addDecimal(this.free(market.baseAsset), ownLockBase), qty) >= 0 &&
          compareDecimal(addDecimal(this.free(market.quoteAsset), quote), fee) >= 0;
  }

  private splitIntoTrades(
    market: SimulatedMarket,
    order: SimulatedOrder,
    filledQty: Decimal,
    price: Decimal,
    now: number,
    isMaker: boolean,
  ): SimulatedTrade[] {
    const step = decimalFromString(market.stepSize);
    const parts = BigInt(Math.max(1, this.matching.tradesPerOrder));
    const feeRate = decimalFromString(this.matching.takerFeeRate);
    const trades: SimulatedTrade[] = [];
    let left = filledQty;
    for (let part = parts; part >= 1n && compareDecimal(left, DECIMAL_ZERO) > 0; part--) {
      const qty =
        part === 1n ? left : roundToStep(divDecimal(left, decimalFromString(String(part)), 'down'), step, 'down');
      if (compareDecimal(qty, DECIMAL_ZERO) <= 0) continue;
      left = subDecimal(left, qty);
      const quoteQty = mulDecimal(qty, price, 'up');
      const commission = mulDecimal(quoteQty, feeRate, 'up');
      const trade: SimulatedTrade = {
        id: this.nextTradeId++,
        orderId: order.orderId,
        symbol: order.symbol,
        side: order.side,
        price,
        qty,
        quoteQty,
        commission,
        commissionAsset: market.quoteAsset,
        time: now,
        isMaker,
      };
      this.book(market, trade);
      order.executedQty = addDecimal(order.executedQty, qty);
      order.cummulativeQuoteQty = addDecimal(order.cummulativeQuoteQty, quoteQty);
      if (order.type === 'MARKET') order.price = price;
      order.updateTime = now;
      trades.push(trade);
    }
    return trades;
  }

  private book(market: SimulatedMarket, trade: SimulatedTrade): void {
    const sign = trade.side === 'BUY' ? 1n : -1n;
    this.balances.set(market.baseAsset, addDecimal(this.balance(market.baseAsset), (sign * trade.qty) as Decimal));
    const quoteChange = subDecimal((-sign * trade.quoteQty) as Decimal, trade.commission);
    this.balances.set(market.quoteAsset, addDecimal(this.balance(market.quoteAsset), quoteChange));
    this.trades.push(trade);
  }
}

function isResting(order: SimulatedOrder): boolean {
  return order.type !== 'MARKET' && (order.status === 'NEW' || order.status === 'PARTIALLY_FILLED');
}

/** A sell stop triggers when the price trades at or below it, a buy stop at or above. */
function stopReached(order: SimulatedOrder, price: Decimal): boolean {
  return order.side === 'SELL'
    ? compareDecimal(price, order.stopPrice) <= 0
    : compareDecimal(price, order.stopPrice) >= 0;
}

function required(value: string | undefined, field: string): string {
  if (value === undefined) throw new SimulatedOrderError(-1102, `Mandatory parameter '${field}' was not sent.`);
  return value;
}

export function formatAmount(value: Decimal): string {
  return formatDecimal(value);
}
