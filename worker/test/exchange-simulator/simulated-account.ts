/**
 * The simulated venue's books for one account: balances, orders (by exchange order id and by client order id) and
 * trades. Market orders match at the market's configured price, in `tradesPerOrder` trades, fill `fillRatio` of the
 * asked size (the rest expires, as a Binance market order that ran out of liquidity) and pay `takerFeeRate` in the
 * quote asset. Money is exact (core decimals); the simulator never rounds in the account's favour.
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

export type SimulatedOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';

export interface SimulatedOrder {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: 'BUY' | 'SELL';
  type: 'MARKET' | 'LIMIT';
  origQty: Decimal;
  origQuoteOrderQty: Decimal;
  executedQty: Decimal;
  cummulativeQuoteQty: Decimal;
  price: Decimal;
  status: SimulatedOrderStatus;
  time: number;
  updateTime: number;
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

export interface NewSimulatedOrder {
  symbol: string;
  side: 'BUY' | 'SELL';
  quantity?: string;
  quoteOrderQty?: string;
  clientOrderId: string;
}

export class SimulatedAccount {
  readonly markets = new Map<string, SimulatedMarket>();
  readonly balances = new Map<string, Decimal>();
  readonly orders: SimulatedOrder[] = [];
  readonly trades: SimulatedTrade[] = [];
  matching: MatchingOptions = { takerFeeRate: '0.001', fillRatio: '1', tradesPerOrder: 1 };
  /**
   * Refuse a client order id already used, as Binance does for open orders. The chaos test turns it off, so a
   * client that re-sent an order blindly would create a second one there, and be caught.
   */
  refuseDuplicateClientIds = true;
  private nextOrderId = 1000;
  private nextTradeId = 5000;

  constructor(markets: SimulatedMarket[], balances: Record<string, string>) {
    for (const market of markets) this.markets.set(market.symbol, market);
    for (const [asset, amount] of Object.entries(balances)) this.balances.set(asset, decimalFromString(amount));
  }

  balance(asset: string): Decimal {
    return this.balances.get(asset) ?? DECIMAL_ZERO;
  }

  setPrice(symbol: string, priceQuote: string): void {
    this.market(symbol).priceQuote = priceQuote;
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

  placeMarketOrder(request: NewSimulatedOrder, now: number): { order: SimulatedOrder; trades: SimulatedTrade[] } {
    const market = this.market(request.symbol);
    // Binance refuses a client order id already used by an open order; this venue, stricter, by any order.
    if (this.refuseDuplicateClientIds && this.orders.some((order) => order.clientOrderId === request.clientOrderId)) {
      throw new SimulatedOrderError(-2010, DUPLICATE_ORDER);
    }
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

    const order: SimulatedOrder = {
      orderId: this.nextOrderId++,
      clientOrderId: request.clientOrderId,
      symbol: request.symbol,
      side: request.side,
      type: 'MARKET',
      origQty: request.quantity !== undefined ? asked : DECIMAL_ZERO,
      origQuoteOrderQty: request.quoteOrderQty !== undefined ? decimalFromString(request.quoteOrderQty) : DECIMAL_ZERO,
      executedQty: DECIMAL_ZERO,
      cummulativeQuoteQty: DECIMAL_ZERO,
      price: DECIMAL_ZERO,
      status: 'NEW',
      time: now,
      updateTime: now,
    };
    this.orders.push(order);
    const trades = this.splitIntoTrades(market, order, filledQty, price, now);
    order.status = compareDecimal(filledQty, asked) === 0 ? 'FILLED' : 'EXPIRED';
    return { order, trades };
  }

  cancel(symbol: string, by: { orderId?: number; clientOrderId?: string }, now: number): SimulatedOrder {
    const order = this.findOrder(symbol, by);
    if (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED') {
      throw new SimulatedOrderError(-2011, 'Unknown order sent.');
    }
    order.status = 'CANCELED';
    order.updateTime = now;
    return order;
  }

  tradesOf(symbol: string, orderId: number | undefined): SimulatedTrade[] {
    return this.trades.filter(
      (trade) => trade.symbol === symbol && (orderId === undefined || trade.orderId === orderId),
    );
  }

  private checkFunds(market: SimulatedMarket, side: 'BUY' | 'SELL', qty: Decimal, quote: Decimal, fee: Decimal) {
    const short =
      side === 'BUY'
        ? compareDecimal(this.balance(market.quoteAsset), addDecimal(quote, fee)) < 0
        : compareDecimal(this.balance(market.baseAsset), qty) < 0 ||
          compareDecimal(addDecimal(this.balance(market.quoteAsset), quote), fee) < 0;
    if (short) throw new SimulatedOrderError(-2010, INSUFFICIENT_BALANCE);
  }

  private splitIntoTrades(
    market: SimulatedMarket,
    order: SimulatedOrder,
    filledQty: Decimal,
    price: Decimal,
    now: number,
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
      };
      this.book(market, trade);
      order.executedQty = addDecimal(order.executedQty, qty);
      order.cummulativeQuoteQty = addDecimal(order.cummulativeQuoteQty, quoteQty);
      order.price = price;
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

export function formatAmount(value: Decimal): string {
  return formatDecimal(value);
}
