/**
 * A loopback Binance spot market-stream server (what ccxt.pro's binance connects to at `urls.api.ws.spot`):
 * answers `{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":N}` with `{"result":null,"id":N}` and sends each
 * stream's events to the sockets subscribed to it, raw as on `/ws` connections or wrapped `{"stream":…,"data":…}`
 * as on combined `/stream` connections. The event formats are the subclasses' (klines, trades).
 * Faults on demand: every socket dropped mid-stream, new connections refused, or a stall (sockets stay open,
 * answer pings, push nothing).
 */
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

interface Subscriber {
  socket: WebSocket;
  streams: Set<string>;
}

export class LoopbackMarketStreamServer {
  /** While true, sockets stay open and answer pings, and nothing is sent (subscriptions are still taken). */
  stalled = false;
  /** While true, new connections are cut at once (the venue unreachable). */
  refusing = false;
  /** Connections accepted so far (a reconnect counts again). */
  connections = 0;
  url = '';
  private readonly combined: boolean;
  private readonly subscribers = new Set<Subscriber>();
  private server: WebSocketServer | null = null;

  /** `combined`: wrap events as a combined stream does; default false (raw, as ccxt's `/ws` connections get). */
  constructor(combined = false) {
    this.combined = combined;
  }

  async start(): Promise<string> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.server = server;
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    server.on('connection', (socket) => this.accept(socket));
    this.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => (this.server === null ? resolve() : this.server.close(() => resolve())));
  }

  /** Kills every socket without a close frame, as a network cut does. */
  dropConnections(): void {
    for (const subscriber of this.subscribers) subscriber.socket.terminate();
    this.subscribers.clear();
  }

  /** How many open sockets subscribed to `stream` (e.g. `btcusdt@aggTrade`). */
  subscribersOf(stream: string): number {
    return [...this.subscribers].filter((subscriber) => subscriber.streams.has(stream)).length;
  }

  /** Sends `event` to every socket subscribed to `stream` (nothing while stalled). */
  protected broadcast(stream: string, event: unknown): void {
    if (this.stalled) return;
    const message = JSON.stringify(this.combined ? { stream, data: event } : event);
    for (const subscriber of this.subscribers) {
      if (subscriber.streams.has(stream)) subscriber.socket.send(message);
    }
  }

  private accept(socket: WebSocket): void {
    if (this.refusing) {
      socket.terminate();
      return;
    }
    this.connections++;
    const subscriber: Subscriber = { socket, streams: new Set() };
    this.subscribers.add(subscriber);
    socket.on('close', () => this.subscribers.delete(subscriber));
    socket.on('message', (data) => {
      const request = JSON.parse(String(data)) as { method?: string; params?: string[]; id?: number };
      if (request.method === 'SUBSCRIBE') for (const stream of request.params ?? []) subscriber.streams.add(stream);
      if (request.method === 'UNSUBSCRIBE')
        for (const stream of request.params ?? []) subscriber.streams.delete(stream);
      if (!this.stalled) socket.send(JSON.stringify({ result: null, id: request.id }));
    });
  }
}
