/**
 * The simulated venue's user-data stream, as the installed ccxt.pro (4.5.x) reaches Binance spot's: not a listenKey
 * (POST /api/v3/userDataStream + a /ws/<listenKey> socket — ccxt uses that for futures only now) but the WebSocket
 * API at `/ws-api/v3`, where the client sends
 *   {"id":"1","method":"userDataStream.subscribe.signature","params":{apiKey,timestamp,[recvWindow],signature}}
 * (HMAC-SHA256 of the other params, key-sorted, as a query string) and is answered
 *   {"id":"1","status":200,"result":{"subscriptionId":0}}
 * after which the account's events arrive as {"subscriptionId":0,"event":{"e":"executionReport",…}}: one per order
 * change (NEW, one TRADE per trade with the trade's id, price, quantity and commission, CANCELED, EXPIRED), and a
 * `listStatus` per OCO list change, in Binance's field names.
 *
 * Events are found by comparing the account with what was already sent (`publish`, called after every REST request
 * and every price move), so nothing in the account's matching code needs to know about the stream.
 * Faults on demand: `dropConnections` (a network cut: no close frame), `stalled` (sockets stay open and answer
 * pings, nothing is pushed — what was not pushed is never pushed later, as on a real stall), `refusing`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import { addDecimal } from '@keel/core/money/arithmetic.ts';
import { DECIMAL_ZERO, type Decimal } from '@keel/core/money/decimal.ts';
import { type WebSocket, WebSocketServer } from 'ws';
import type { SimulatedAccount, SimulatedOrder, SimulatedOrderList, SimulatedTrade } from './simulated-account.ts';
import { formatAmount } from './simulated-account.ts';

/** Where ccxt's binance puts the spot WebSocket API (urls.api.ws['ws-api'].spot's path). */
export const WS_API_PATH = '/ws-api/v3';

interface SentOrder {
  status: SimulatedOrder['status'];
  tradeIds: Set<number>;
}

export class UserDataStreamServer {
  /** While true, sockets stay open and answer pings, and no event is pushed (and none is pushed later). */
  stalled = false;
  /** While true, new connections are cut at once. */
  refusing = false;
  /** Connections accepted so far (a reconnect counts again). */
  connections = 0;
  /** Events pushed so far, of any kind (one per socket subscribed). */
  eventsPushed = 0;
  private readonly account: SimulatedAccount;
  private readonly apiKey: string;
  private readonly secret: string;
  private readonly subscribed = new Map<WebSocket, number>();
  private readonly sentOrders = new Map<number, SentOrder>();
  private readonly sentLists = new Map<number, SimulatedOrderList['listStatusType']>();
  private nextSubscriptionId = 0;
  private server: WebSocketServer | null = null;

  constructor(account: SimulatedAccount, credentials: { apiKey: string; secret: string }) {
    this.account = account;
    this.apiKey = credentials.apiKey;
    this.secret = credentials.secret;
  }

  /** Serves the WebSocket API on the simulator's own HTTP server (one origin for REST and websocket). */
  attach(httpServer: Server): void {
    this.server = new WebSocketServer({ server: httpServer, path: WS_API_PATH });
    this.server.on('connection', (socket) => this.accept(socket));
  }

  close(): void {
    this.dropConnections();
    this.server?.close();
  }

  /** Kills every socket without a close frame, as a network cut does. */
  dropConnections(): void {
    for (const socket of this.server?.clients ?? []) socket.terminate();
    this.subscribed.clear();
  }

  /** Sockets subscribed to the user-data stream now. */
  get subscribers(): number {
    return this.subscribed.size;
  }

  /** Pushes every order and list change since the last call (while stalled they are marked sent, not pushed). */
  publish(now = Date.now()): void {
    for (const order of this.account.orders) {
      let sent = this.sentOrders.get(order.orderId);
      if (sent === undefined) {
        sent = { status: 'NEW', tradeIds: new Set() };
        this.sentOrders.set(order.orderId, sent);
        this.push(executionReport(order, { executionType: 'NEW', status: 'NEW', now }));
      }
      let filled = DECIMAL_ZERO;
      let filledQuote = DECIMAL_ZERO;
      const trades = this.account.tradesOf(order.symbol, order.orderId);
      for (const [index, trade] of trades.entries()) {
        filled = addDecimal(filled, trade.qty);
        filledQuote = addDecimal(filledQuote, trade.quoteQty);
        if (sent.tradeIds.has(trade.id)) continue;
        sent.tradeIds.add(trade.id);
        const last = index === trades.length - 1;
        const status = last && order.status === 'FILLED' ? 'FILLED' : 'PARTIALLY_FILLED';
        this.push(executionReport(order, { executionType: 'TRADE', status, now, trade, filled, filledQuote }));
      }
      if (order.status !== sent.status && (order.status === 'CANCELED' || order.status === 'EXPIRED')) {
        this.push(executionReport(order, { executionType: order.status, status: order.status, now }));
      }
      sent.status = order.status;
    }
    for (const list of this.account.orderLists) {
      if (this.sentLists.get(list.orderListId) === list.listStatusType) continue;
      this.sentLists.set(list.orderListId, list.listStatusType);
      this.push(listStatus(list, this.account.legsOf(list), now));
    }
  }

  private push(event: Record<string, unknown>): void {
    if (this.stalled) return;
    for (const [socket, subscriptionId] of this.subscribed) {
      socket.send(JSON.stringify({ subscriptionId, event }));
      this.eventsPushed++;
    }
  }

  private accept(socket: WebSocket): void {
    if (this.refusing) {
      socket.terminate();
      return;
    }
    this.connections++;
    socket.on('close', () => this.subscribed.delete(socket));
    socket.on('message', (data) => {
      const request = JSON.parse(String(data)) as { id?: string; method?: string; params?: Record<string, unknown> };
      if (this.stalled) return;
      if (request.method !== 'userDataStream.subscribe.signature') {
        socket.send(
          JSON.stringify({ id: request.id, status: 400, error: { code: -1100, msg: 'simulator: no such method' } }),
        );
        return;
      }
      const refusal = this.checkSignature(request.params ?? {});
      if (refusal !== null) {
        socket.send(JSON.stringify({ id: request.id, status: 401, error: refusal }));
        return;
      }
      const subscriptionId = this.nextSubscriptionId++;
      this.subscribed.set(socket, subscriptionId);
      socket.send(JSON.stringify({ id: request.id, status: 200, result: { subscriptionId } }));
    });
  }

  /** Binance's WebSocket API signature: HMAC-SHA256 over the other params, sorted by name, as a query string. */
  private checkSignature(params: Record<string, unknown>): { code: number; msg: string } | null {
    if (params.apiKey !== this.apiKey) return { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' };
    const { signature, ...signed } = params;
    const payload = Object.keys(signed)
      .sort()
      .map((key) => `${key}=${String(signed[key])}`)
      .join('&');
    const expected = createHmac('sha256', this.secret).update(payload).digest();
    const given = Buffer.from(String(signature ?? ''), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { code: -1022, msg: 'Signature for this request is not valid.' };
    }
    return null;
  }
}

interface ReportDetails {
  executionType: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED';
  status: SimulatedOrder['status'];
  now: number;
  trade?: SimulatedTrade;
  /** Cumulative after this trade (TRADE only; otherwise the order's own). */
  filled?: Decimal;
  filledQuote?: Decimal;
}

/** Binance's executionReport (spot user-data stream "Order Update"). */
function executionReport(order: SimulatedOrder, details: ReportDetails): Record<string, unknown> {
  const { trade, executionType } = details;
  const cancelled = executionType === 'CANCELED';
  return {
    e: 'executionReport',
    E: details.now,
    s: order.symbol,
    // A cancel's own request id is `c`; the order's is then `C` (Binance's "original client order id").
    c: cancelled ? `web_cancel_${order.orderId}` : order.clientOrderId,
    S: order.side,
    o: order.type,
    f: 'GTC',
    q: formatAmount(order.origQty),
    p: formatAmount(order.type === 'MARKET' || order.type === 'STOP_LOSS' ? DECIMAL_ZERO : order.price),
    P: formatAmount(order.stopPrice),
    F: '0.00000000',
    g: order.orderListId,
    C: cancelled ? order.clientOrderId : '',
    x: executionType,
    X: details.status,
    r: 'NONE',
    i: order.orderId,
    l: trade === undefined ? '0.00000000' : formatAmount(trade.qty),
    z: formatAmount(details.filled ?? order.executedQty),
    L: trade === undefined ? '0.00000000' : formatAmount(trade.price),
    n: trade === undefined ? '0' : formatAmount(trade.commission),
    N: trade === undefined ? null : trade.commissionAsset,
    T: trade?.time ?? order.updateTime,
    t: trade?.id ?? -1,
    I: order.orderId * 2,
    w: executionType === 'NEW' && order.type !== 'MARKET',
    m: trade?.isMaker ?? false,
    M: false,
    O: order.time,
    Z: formatAmount(details.filledQuote ?? order.cummulativeQuoteQty),
    Y: trade === undefined ? '0.00000000' : formatAmount(trade.quoteQty),
    Q: formatAmount(order.origQuoteOrderQty),
    W: order.time,
    V: 'EXPIRE_MAKER',
  };
}

/** Binance's listStatus (spot user-data stream "Order list update"). */
function listStatus(list: SimulatedOrderList, legs: SimulatedOrder[], now: number): Record<string, unknown> {
  return {
    e: 'listStatus',
    E: now,
    s: list.symbol,
    g: list.orderListId,
    c: 'OCO',
    l: list.listStatusType === 'EXEC_STARTED' ? 'EXEC_STARTED' : 'ALL_DONE',
    L: list.listStatusType === 'EXEC_STARTED' ? 'EXECUTING' : 'ALL_DONE',
    r: 'NONE',
    C: list.listClientOrderId,
    T: list.transactionTime,
    O: legs.map((leg) => ({ s: leg.symbol, i: leg.orderId, c: leg.clientOrderId })),
  };
}
