/**
 * One exchange key's user-data stream (ccxt.pro watchOrders; on Binance spot ccxt subscribes through the WebSocket
 * API's userDataStream.subscribe.signature and parses each executionReport), shared by every live bot on that key.
 * It tells its listeners which orders the exchange reported on — the bots then record them through the polling
 * path's own code (live-controls-port.ts) — and it tells them when it (re)connected, since what changed while it
 * was down was never pushed and must be asked for.
 *
 * State machine: connecting → up → down → (backoff) → connecting … An outage is logged once when it starts and once
 * when it ends; every connection has a number (`upEpoch`), so an order confirmed under an earlier connection is not
 * trusted under a later one. The poll may find a change the stream never pushed (a stall: the socket lives, nothing
 * comes): `suspectStall` then drops the connection and the stream starts over.
 */
import type { Exchange } from 'ccxt';
import type { Logger } from '../logger.ts';
import { classifyExchangeError } from './exchange-errors.ts';

export type StreamReport =
  /** The exchange pushed an update of this order (new, trade, cancelled, expired). */
  | { kind: 'order'; clientOrderId: string }
  /** The stream (re)connected: updates pushed while it was down are lost, the bot's working orders must be asked. */
  | { kind: 'resumed' };

export type StreamReportListener = (report: StreamReport) => void;

/** What a bot's port asks of its stream. */
export interface StreamLiveness {
  /** The current connection's number while the stream is up; null while it is down (the poll is then all there is). */
  upEpoch(): number | null;
  /**
   * Updates of this order received under the current connection, counted as they arrive (before the bot gets to
   * record them): a change the poll finds is unpushed only if this did not move since.
   */
  pushesOf(clientOrderId: string): number;
  /** The poll found an order change the stream should have pushed and did not: the connection is started over. */
  suspectStall(reason: string): void;
}

/** No stream: every order is polled every candle (paper-like venues, KEEL_USER_DATA_STREAM=off). */
export const NO_STREAM: StreamLiveness = { upEpoch: () => null, pushesOf: () => 0, suspectStall: () => {} };

export type StreamState = 'down' | 'up';

export interface UserDataStreamOptions {
  exchangeId: string;
  /** A new client with the key decrypted now (user-data-client.ts); called on every (re)connect. */
  connect: () => Promise<Exchange>;
  logger: Logger;
  /** Told of every state change and every order update received (metrics). */
  onState?: (from: StreamState | null, to: StreamState | null) => void;
  onUpdates?: (count: number) => void;
  /** Backoff between reconnects: doubling from `reconnectBaseMs` (default 500 ms) up to `reconnectMaxMs` (30 s). */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  /** Told when the last listener left and the stream closed. */
  onClosed?: () => void;
}

const DEFAULT_RECONNECT_BASE_MS = 500;
/** A subscription the exchange has not confirmed by then is given up (a stalled socket answers pings, not requests). */
const SUBSCRIBE_TIMEOUT_MS = 10_000;
const DEFAULT_RECONNECT_MAX_MS = 30_000;

export class UserDataStream implements StreamLiveness {
  private readonly options: UserDataStreamOptions;
  private readonly listeners = new Set<StreamReportListener>();
  private state: StreamState = 'down';
  private epoch = 0;
  private client: Exchange | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  /** An outage is logged when it starts, not at every failed reconnect. */
  private outageLogged = false;
  private wake: (() => void) | null = null;
  /** Per client order id, updates received under the current connection (cleared on reconnect). */
  private readonly pushes = new Map<string, number>();

  constructor(options: UserDataStreamOptions) {
    this.options = options;
    options.onState?.(null, 'down');
  }

  /** Closed (or closing): a new stream must be made for the key. */
  get isClosed(): boolean {
    return this.closed;
  }

  upEpoch(): number | null {
    return this.state === 'up' ? this.epoch : null;
  }

  pushesOf(clientOrderId: string): number {
    return this.pushes.get(clientOrderId) ?? 0;
  }

  /** Starts the stream with its first listener; the returned function removes the listener (the last closes it). */
  subscribe(listener: StreamReportListener): () => void {
    this.listeners.add(listener);
    this.running ??= this.run();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.close();
    };
  }

  suspectStall(reason: string): void {
    if (this.state !== 'up') return;
    this.goDown(`stalled: ${reason}`);
    void this.client?.close().catch(() => {});
  }

  /** Stops the stream for good (no listener is left, or the worker stops). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    await this.client?.close().catch(() => {});
    await this.running;
    this.options.onState?.(this.state, null);
    this.options.onClosed?.();
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.closed; failures++) {
      try {
        const client = await this.options.connect();
        this.client = client;
        if (this.closed) {
          await client.close().catch(() => {});
          break;
        }
        await subscribed(client);
        this.goUp();
        failures = 0;
        for (;;) {
          const orders = await client.watchOrders();
          this.options.onUpdates?.(orders.length);
          for (const order of orders) {
            if (typeof order.clientOrderId === 'string' && order.clientOrderId !== '') {
              this.pushes.set(order.clientOrderId, this.pushesOf(order.clientOrderId) + 1);
              this.tell({ kind: 'order', clientOrderId: order.clientOrderId });
            }
          }
        }
      } catch (error) {
        if (this.closed) break;
        this.goDown(classifyExchangeError(error).message);
        await this.client?.close().catch(() => {});
        this.client = null;
        await this.pause(backoffMs(failures, this.options));
      }
    }
  }

  private goUp(): void {
    this.epoch++;
    this.pushes.clear();
    this.setState('up');
    if (this.outageLogged) {
      this.options.logger.info({ exchange: this.options.exchangeId }, 'user-data stream back: polling only as a check');
    }
    this.outageLogged = false;
    this.tell({ kind: 'resumed' });
  }

  private goDown(reason: string): void {
    if (this.state === 'up' || !this.outageLogged) {
      this.options.logger.warn(
        { exchange: this.options.exchangeId, reason },
        'user-data stream down: orders are polled every candle until it is back',
      );
      this.outageLogged = true;
    }
    this.setState('down');
  }

  private setState(to: StreamState): void {
    if (this.state === to) return;
    this.options.onState?.(this.state, to);
    this.state = to;
  }

  private tell(report: StreamReport): void {
    for (const listener of this.listeners) listener(report);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/**
 * Resolves once the exchange confirmed the subscription. Binance: ccxt's authenticate() sends the signed
 * userDataStream.subscribe.signature and waits for its answer (watchOrders would wait for the first order update).
 */
async function subscribed(client: Exchange): Promise<void> {
  const authenticate = (client as unknown as { authenticate?: (params?: object) => Promise<unknown> }).authenticate;
  if (typeof authenticate !== 'function') return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the exchange did not confirm the subscription')), SUBSCRIBE_TIMEOUT_MS);
  });
  const confirmed = authenticate.call(client, {});
  confirmed.catch(() => {}); // after a timeout, its rejection (the client closed) has no one waiting for it
  observeFutures(client);
  try {
    await Promise.race([confirmed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * ccxt parks a future per subscription for callers that come while it is under way (binance's
 * `authenticate:signature:spot`) and, with no such caller, nobody awaits it: a connection lost before the answer
 * rejects it unobserved, which Node treats as fatal. Observing them changes nothing for whoever awaits them.
 */
function observeFutures(client: Exchange): void {
  const sockets = Object.values(
    (client as unknown as { clients?: Record<string, { futures?: object }> }).clients ?? {},
  );
  for (const socket of sockets) {
    for (const future of Object.values(socket.futures ?? {})) {
      if (future instanceof Promise) future.catch(() => {});
    }
  }
}

function backoffMs(failures: number, options: UserDataStreamOptions): number {
  const base = options.reconnectBaseMs ?? DEFAULT_RECONNECT_BASE_MS;
  return Math.min(options.reconnectMaxMs ?? DEFAULT_RECONNECT_MAX_MS, base * 2 ** Math.min(failures, 16));
}
