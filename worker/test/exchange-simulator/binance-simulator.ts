/**
 * A loopback Binance spot REST venue: the subset ccxt's `binance` class calls for loadMarkets, fetchTime,
 * fetchBalance, createOrder (newClientOrderId; MARKET, LIMIT, STOP_LOSS, STOP_LOSS_LIMIT with stopPrice), editOrder
 * (POST /api/v3/order/cancelReplace), fetchOrder / cancelOrder (orderId or origClientOrderId), fetchOpenOrders and
 * fetchMyTrades, and OCO order lists (POST /api/v3/orderList/oco, DELETE and GET /api/v3/orderList, which ccxt
 * offers as privatePostOrderListOco / privateDeleteOrderList / privateGetOrderList) — in Binance's wire format, so the real ccxt client runs against it unchanged
 * (point `urls.api.public/private` at `${url}/api/v3`, which KEEL_EXCHANGE_URL_BINANCE does).
 *
 * Signed endpoints check X-MBX-APIKEY and the HMAC-SHA256 signature of the query (and form body) exactly as
 * Binance does. Faults are queued per endpoint ("POST /api/v3/order") or for any ("*") and consumed one request at
 * a time: 429 with Retry-After and Binance's -1003 JSON, 503, latency before or after the work, a timeout (the
 * request is never answered), and "accepted but the response is lost" (the order is placed, never answered).
 *
 * The account's user-data stream (order and list updates) is served on the same origin, as ccxt.pro reaches it
 * (user-data-stream-server.ts): point KEEL_EXCHANGE_WS_URL_BINANCE at `wsUrl`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  formatAmount,
  type NewSimulatedLeg,
  type NewSimulatedOcoList,
  type NewSimulatedOrder,
  SimulatedAccount,
  type SimulatedMarket,
  type SimulatedOrder,
  SimulatedOrderError,
  type SimulatedOrderList,
  type SimulatedOrderType,
  type SimulatedTrade,
} from './simulated-account.ts';
import { UserDataStreamServer } from './user-data-stream-server.ts';

export type SimulatorFault =
  | { kind: 'rate-limit'; retryAfterSeconds: number }
  | { kind: 'server-error' }
  | { kind: 'latency'; latencyMs: number }
  /** The request is carried out, then answered late: the window where a crash loses the venue's answer. */
  | { kind: 'delayed-response'; latencyMs: number }
  | { kind: 'timeout' }
  | { kind: 'lost-response' };

export interface SimulatorOptions {
  apiKey: string;
  secret: string;
  markets: SimulatedMarket[];
  balances: Record<string, string>;
}

export interface CallRecord {
  method: string;
  path: string;
  params: URLSearchParams;
}

const DEFAULT_RECV_WINDOW_MS = 5_000;
const RATE_LIMIT_MESSAGE =
  'Too many requests; current limit of IP is 6000 requests per minute. Please use WebSocket Streams for live updates to avoid polling the API.';

export class BinanceSimulator {
  readonly account: SimulatedAccount;
  /** The account's user-data stream (executionReport, listStatus), with its faults (drop, stall). */
  readonly userData: UserDataStreamServer;
  /** Every request received, in order (the tests count calls and duplicate sends). */
  readonly calls: CallRecord[] = [];
  /** Awaited before each request is carried out: a test looks at the world as the venue receives an order. */
  onRequest: ((call: CallRecord) => Promise<void>) | null = null;
  private readonly options: SimulatorOptions;
  private readonly faults = new Map<string, SimulatorFault[]>();
  private readonly held = new Set<ServerResponse>();
  private server: Server | null = null;
  url = '';
  /** The user-data stream's origin (ws://…), for KEEL_EXCHANGE_WS_URL_BINANCE. */
  wsUrl = '';

  constructor(options: SimulatorOptions) {
    this.options = options;
    this.account = new SimulatedAccount(options.markets, options.balances);
    this.userData = new UserDataStreamServer(this.account, options);
    this.account.onPriceMoved = () => this.userData.publish();
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}`;
    this.userData.attach(this.server);
    return this.url;
  }

  async stop(): Promise<void> {
    this.userData.close();
    for (const response of this.held) response.destroy();
    this.held.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server === null ? resolve() : this.server.close(() => resolve())));
  }

  /** Queues faults for the next requests to `endpoint` ("POST /api/v3/order", or "*" for any request). */
  inject(endpoint: string, ...faults: SimulatorFault[]): void {
    this.faults.set(endpoint, [...(this.faults.get(endpoint) ?? []), ...faults]);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /**
   * How many order or order-list requests carried this client order id, as an order, a list or a list's leg (one
   * per order when nothing is re-sent blindly).
   */
  sendsOf(clientOrderId: string): number {
    const fields = ['newClientOrderId', 'listClientOrderId', 'aboveClientOrderId', 'belowClientOrderId'];
    return this.calls.filter(
      (call) => call.method === 'POST' && fields.some((field) => call.params.get(field) === clientOrderId),
    ).length;
  }

  private takeFault(endpoint: string): SimulatorFault | undefined {
    for (const key of [endpoint, '*']) {
      const queue = this.faults.get(key);
      if (queue !== undefined && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator');
    const body = await readBody(request);
    const params = new URLSearchParams(url.search);
    for (const [key, value] of new URLSearchParams(body)) params.append(key, value);
    const method = request.method ?? 'GET';
    const endpoint = `${method} ${url.pathname}`;
    this.calls.push({ method, path: url.pathname, params });
    await this.onRequest?.({ method, path: url.pathname, params });

    let fault = this.takeFault(endpoint);
    while (fault?.kind === 'latency') {
      await new Promise((resolve) => setTimeout(resolve, fault?.kind === 'latency' ? fault.latencyMs : 0));
      fault = this.takeFault(endpoint);
    }
    if (fault?.kind === 'rate-limit') {
      return send(
        response,
        429,
        { code: -1003, msg: RATE_LIMIT_MESSAGE },
        { 'retry-after': String(fault.retryAfterSeconds) },
      );
    }
    if (fault?.kind === 'server-error') {
      response.writeHead(503, { 'content-type': 'text/html' });
      response.end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>');
      return;
    }
    if (fault?.kind === 'timeout') {
      this.hold(response);
      return;
    }
    const answer = this.route(method, url.pathname, params, url.search.slice(1), body, request);
    this.userData.publish();
    if (fault?.kind === 'lost-response') {
      this.hold(response);
      return;
    }
    if (fault?.kind === 'delayed-response') {
      await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    }
    send(response, answer.status, answer.body);
  }

  /** Never answers: the client's own timeout fires (the socket is closed when the simulator stops). */
  private hold(response: ServerResponse): void {
    this.held.add(response);
    response.on('close', () => this.held.delete(response));
  }

  private route(
    method: string,
    path: string,
    params: URLSearchParams,
    query: string,
    body: string,
    request: IncomingMessage,
  ): { status: number; body: unknown } {
    try {
      if (method === 'GET' && path === '/api/v3/time') return ok({ serverTime: Date.now() });
      if (method === 'GET' && path === '/api/v3/exchangeInfo') return ok(this.exchangeInfo());
      const denied = this.authenticate(request, query, body, params);
      if (denied !== null) return denied;
      if (method === 'GET' && path === '/api/v3/account') return ok(this.accountView());
      if (method === 'POST' && path === '/api/v3/order') return ok(this.createOrder(params));
      if (method === 'POST' && path === '/api/v3/order/cancelReplace') return this.cancelReplace(params);
      if (method === 'GET' && path === '/api/v3/order') return ok(orderView(this.lookup(params)));
      if (method === 'DELETE' && path === '/api/v3/order') {
        const order = this.lookup(params);
        return ok(orderView(this.account.cancel(order.symbol, { orderId: order.orderId }, Date.now())));
      }
      if (method === 'POST' && path === '/api/v3/orderList/oco') {
        return ok(this.listView(this.account.placeOcoList(newOcoListRequest(params), Date.now())));
      }
      if (method === 'DELETE' && path === '/api/v3/orderList') {
        const symbol = params.get('symbol') ?? '';
        return ok(this.listView(this.account.cancelOrderList(symbol, listLookup(params), Date.now())));
      }
      if (method === 'GET' && path === '/api/v3/orderList') {
        const list = this.account.orderLists.find((candidate) => {
          const by = listLookup(params);
          return (
            (by.orderListId === undefined || candidate.orderListId === by.orderListId) &&
            (by.listClientOrderId === undefined || candidate.listClientOrderId === by.listClientOrderId)
          );
        });
        if (list === undefined) return { status: 400, body: { code: -2018, msg: 'Order list does not exist.' } };
        const { orderReports: _, ...status } = this.listView(list);
        return ok(status);
      }
      if (method === 'GET' && path === '/api/v3/openOrders') {
        const symbol = params.get('symbol');
        return ok(
          this.account.orders
            .filter((order) => (symbol === null || order.symbol === symbol) && isOpen(order))
            .map(orderView),
        );
      }
      if (method === 'GET' && path === '/api/v3/myTrades') {
        const orderId = params.get('orderId');
        const account = this.account;
        const trades = account.tradesOf(params.get('symbol') ?? '', orderId === null ? undefined : Number(orderId));
        const listOf = (trade: SimulatedTrade) =>
          account.findOrder(trade.symbol, { orderId: trade.orderId }).orderListId;
        return ok(trades.map((trade) => tradeView(trade, listOf(trade))));
      }
      return { status: 404, body: { code: -1000, msg: `simulator: no route ${method} ${path}` } };
    } catch (error) {
      if (error instanceof SimulatedOrderError) return { status: 400, body: { code: error.code, msg: error.message } };
      throw error;
    }
  }

  private authenticate(
    request: IncomingMessage,
    query: string,
    body: string,
    params: URLSearchParams,
  ): { status: number; body: unknown } | null {
    const sentAt = Number(params.get('timestamp'));
    const recvWindowMs = Number(params.get('recvWindow') ?? DEFAULT_RECV_WINDOW_MS);
    if (!(Date.now() <= sentAt + recvWindowMs)) {
      // Binance's replay guard: a signed request older than its recvWindow is refused, never carried out.
      return { status: 400, body: { code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' } };
    }
    if (request.headers['x-mbx-apikey'] !== this.options.apiKey) {
      return { status: 401, body: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } };
    }
    const signed = [query, body].filter((part) => part !== '').join('');
    const payload = signed.replace(/&?signature=[0-9a-f]+/, '');
    const expected = createHmac('sha256', this.options.secret).update(payload).digest();
    const given = Buffer.from(params.get('signature') ?? '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { status: 400, body: { code: -1022, msg: 'Signature for this request is not valid.' } };
    }
    return null;
  }

  private lookup(params: URLSearchParams): SimulatedOrder {
    const orderId = params.get('orderId');
    const clientOrderId = params.get('origClientOrderId');
    return this.account.findOrder(params.get('symbol') ?? '', {
      ...(orderId === null ? {} : { orderId: Number(orderId) }),
      ...(clientOrderId === null ? {} : { clientOrderId }),
    });
  }

  private createOrder(params: URLSearchParams): unknown {
    const { order, trades } = this.account.placeOrder(newOrderRequest(params), Date.now());
    return newOrderResponse(order, trades);
  }

  /** Binance answers a partial failure with 409 and both results; ccxt raises on the code. */
  private cancelReplace(params: URLSearchParams): { status: number; body: unknown } {
    const symbol = params.get('symbol') ?? '';
    const cancelOrderId = params.get('cancelOrderId');
    const cancelClientOrderId = params.get('cancelOrigClientOrderId');
    const cancel = {
      ...(cancelOrderId === null ? {} : { orderId: Number(cancelOrderId) }),
      ...(cancelClientOrderId === null ? {} : { clientOrderId: cancelClientOrderId }),
    };
    try {
      const { cancelled, placed } = this.account.cancelReplace(symbol, cancel, newOrderRequest(params), Date.now());
      return ok({
        cancelResult: 'SUCCESS',
        newOrderResult: 'SUCCESS',
        cancelResponse: { ...orderView(cancelled), origClientOrderId: cancelled.clientOrderId },
        newOrderResponse: newOrderResponse(placed.order, placed.trades),
      });
    } catch (error) {
      if (!(error instanceof SimulatedOrderError) || error.code !== -2021) throw error;
      return {
        status: 409,
        body: {
          code: -2021,
          msg: 'Order cancel-replace partially failed.',
          data: {
            cancelResult: 'SUCCESS',
            newOrderResult: 'FAILURE',
            newOrderResponse: { code: -2010, msg: error.message },
          },
        },
      };
    }
  }

  /** Binance's order list report: the list's status, its legs, and each leg's report. */
  private listView(list: SimulatedOrderList): Record<string, unknown> {
    const legs = this.account.legsOf(list);
    const done = list.listStatusType === 'ALL_DONE';
    return {
      orderListId: list.orderListId,
      contingencyType: 'OCO',
      listStatusType: list.listStatusType,
      listOrderStatus: done ? 'ALL_DONE' : 'EXECUTING',
      listClientOrderId: list.listClientOrderId,
      transactionTime: list.transactionTime,
      symbol: list.symbol,
      orders: legs.map((leg) => ({ symbol: leg.symbol, orderId: leg.orderId, clientOrderId: leg.clientOrderId })),
      orderReports: legs.map((leg) => ({ ...orderView(leg), transactTime: leg.updateTime })),
    };
  }

  private exchangeInfo(): unknown {
    return {
      timezone: 'UTC',
      serverTime: Date.now(),
      rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 }],
      exchangeFilters: [],
      symbols: [...this.account.markets.values()].map((market) => ({
        symbol: market.symbol,
        status: 'TRADING',
        baseAsset: market.baseAsset,
        baseAssetPrecision: 8,
        quoteAsset: market.quoteAsset,
        quotePrecision: 8,
        quoteAssetPrecision: 8,
        baseCommissionPrecision: 8,
        quoteCommissionPrecision: 8,
        orderTypes: ['LIMIT_MAKER', ...this.account.orderTypes],
        icebergAllowed: true,
        ocoAllowed: true,
        quoteOrderQtyMarketAllowed: true,
        allowTrailingStop: true,
        cancelReplaceAllowed: true,
        isSpotTradingAllowed: true,
        isMarginTradingAllowed: false,
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' },
          { filterType: 'LOT_SIZE', minQty: market.stepSize, maxQty: '9000.00000000', stepSize: market.stepSize },
        ],
        permissions: [],
        permissionSets: [['SPOT']],
        defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
        allowedSelfTradePreventionModes: ['NONE', 'EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
      })),
    };
  }

  private accountView(): unknown {
    return {
      makerCommission: 10,
      takerCommission: 10,
      buyerCommission: 0,
      sellerCommission: 0,
      canTrade: true,
      canWithdraw: false,
      canDeposit: true,
      updateTime: Date.now(),
      accountType: 'SPOT',
      balances: [...this.account.balances.keys()].map((asset) => ({
        asset,
        free: formatAmount(this.account.free(asset)),
        locked: formatAmount(this.account.locked(asset)),
      })),
      permissions: ['SPOT'],
    };
  }
}

function newOrderRequest(params: URLSearchParams): NewSimulatedOrder {
  const optional = (name: string) => params.get(name) ?? undefined;
  const fields = {
    quantity: optional('quantity'),
    quoteOrderQty: optional('quoteOrderQty'),
    price: optional('price'),
    stopPrice: optional('stopPrice'),
  };
  return {
    symbol: params.get('symbol') ?? '',
    side: params.get('side') === 'SELL' ? 'SELL' : 'BUY',
    type: (params.get('type') ?? 'MARKET') as SimulatedOrderType,
    clientOrderId: params.get('newClientOrderId') ?? `sim-${Date.now()}`,
    ...Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
  };
}

function newOcoListRequest(params: URLSearchParams): NewSimulatedOcoList {
  const leg = (position: 'above' | 'below'): NewSimulatedLeg => {
    const price = params.get(`${position}Price`);
    const stopPrice = params.get(`${position}StopPrice`);
    return {
      type: (params.get(`${position}Type`) ?? '') as SimulatedOrderType,
      clientOrderId: params.get(`${position}ClientOrderId`) ?? `sim-${position}-${Date.now()}`,
      ...(price === null ? {} : { price }),
      ...(stopPrice === null ? {} : { stopPrice }),
    };
  };
  return {
    symbol: params.get('symbol') ?? '',
    side: params.get('side') === 'SELL' ? 'SELL' : 'BUY',
    quantity: params.get('quantity') ?? '0',
    listClientOrderId: params.get('listClientOrderId') ?? `sim-list-${Date.now()}`,
    above: leg('above'),
    below: leg('below'),
  };
}

function listLookup(params: URLSearchParams): { orderListId?: number; listClientOrderId?: string } {
  const orderListId = params.get('orderListId');
  const listClientOrderId = params.get('listClientOrderId') ?? params.get('origClientOrderId');
  return {
    ...(orderListId === null ? {} : { orderListId: Number(orderListId) }),
    ...(listClientOrderId === null ? {} : { listClientOrderId }),
  };
}

function newOrderResponse(order: SimulatedOrder, trades: SimulatedTrade[]): unknown {
  return {
    ...orderView(order),
    transactTime: order.time,
    fills: trades.map((trade) => ({
      price: formatAmount(trade.price),
      qty: formatAmount(trade.qty),
      commission: formatAmount(trade.commission),
      commissionAsset: trade.commissionAsset,
      tradeId: trade.id,
    })),
  };
}

function isOpen(order: SimulatedOrder): boolean {
  return order.status === 'NEW' || order.status === 'PARTIALLY_FILLED';
}

function orderView(order: SimulatedOrder): Record<string, unknown> {
  return {
    symbol: order.symbol,
    orderId: order.orderId,
    orderListId: order.orderListId,
    clientOrderId: order.clientOrderId,
    price: formatAmount(order.price),
    origQty: formatAmount(order.origQty),
    executedQty: formatAmount(order.executedQty),
    cummulativeQuoteQty: formatAmount(order.cummulativeQuoteQty),
    status: order.status,
    timeInForce: 'GTC',
    type: order.type,
    side: order.side,
    stopPrice: formatAmount(order.stopPrice),
    icebergQty: '0.00000000',
    time: order.time,
    updateTime: order.updateTime,
    isWorking: true,
    workingTime: order.time,
    origQuoteOrderQty: formatAmount(order.origQuoteOrderQty),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

function tradeView(trade: SimulatedTrade, orderListId: number): Record<string, unknown> {
  return {
    symbol: trade.symbol,
    id: trade.id,
    orderId: trade.orderId,
    orderListId,
    price: formatAmount(trade.price),
    qty: formatAmount(trade.qty),
    quoteQty: formatAmount(trade.quoteQty),
    commission: formatAmount(trade.commission),
    commissionAsset: trade.commissionAsset,
    time: trade.time,
    isBuyer: trade.side === 'BUY',
    isMaker: trade.isMaker,
    isBestMatch: true,
  };
}

function ok(body: unknown): { status: number; body: unknown } {
  return { status: 200, body };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
