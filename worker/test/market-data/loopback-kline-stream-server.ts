/**
 * A loopback Binance spot market-stream server (what ccxt.pro's binance connects to at `urls.api.ws.spot`):
 * answers `{"method":"SUBSCRIBE","params":["btcusdt@kline_1m"],"id":N}` with `{"result":null,"id":N}`, then pushes
 * kline events in Binance's wire format (strings for prices, `x: true` on a kline's final update), raw as on
 * `/ws` connections or wrapped `{"stream":…,"data":…}` as on combined `/stream` connections.
 * Faults on demand: every socket dropped mid-stream, new connections refused, or a stall (sockets stay open,
 * answer pings, push nothing).
 */
import type { AddressInfo } from 'node:net';
import type { Candle } from '@keel/core/market/types.ts';
import { type WebSocket, WebSocketServer } from 'ws';

export interface LoopbackKlineStreamOptions {
  /** Binance interval name, e.g. `1m`. */
  interval: string;
  candleMs: number;
  /** Wrap events as a combined stream does; default false (raw, as ccxt's `/ws` connections get). */
  combined?: boolean;
}

interface Subscriber {
  socket: WebSocket;
  streams: Set<string>;
}

export class LoopbackKlineStreamServer {
  /** While true, sockets stay open and answer pings, and nothing is sent (subscriptions are still taken). */
  stalled = false;
  /** While true, new connections are cut at once (the venue unreachable). */
  refusing = false;
  /** Connections accepted so far (a reconnect counts again). */
  connections = 0;
  url = '';
  private readonly options: LoopbackKlineStreamOptions;
  private readonly subscribers = new Set<Subscriber>();
  private server: WebSocketServer | null = null;

  constructor(options: LoopbackKlineStreamOptions) {
    this.options = options;
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

  /** How many open sockets subscribed to `symbol`'s klines (e.g. `BTCUSDT`). */
  subscribedTo(symbol: string): number {
    const stream = this.streamName(symbol);
    return [...this.subscribers].filter((subscriber) => subscriber.streams.has(stream)).length;
  }

  /**
   * Pushes one candle as Binance does over its life: a first update while forming (open price only), then the
   * final one with `x: true`. The next candle's first update is what tells a reader without `x` that it closed.
   */
  playCandle(symbol: string, candle: Candle): void {
    this.push(symbol, { ...candle, high: candle.open, low: candle.open, close: candle.open, volume: 0 }, false);
    this.push(symbol, candle, true);
  }

  /** The first update of a candle that has just opened. */
  openCandle(symbol: string, candle: Candle): void {
    this.push(symbol, { ...candle, high: candle.open, low: candle.open, close: candle.open, volume: 0 }, false);
  }

  push(symbol: string, candle: Candle, closed: boolean): void {
    if (this.stalled) return;
    const stream = this.streamName(symbol);
    const event = {
      e: 'kline',
      E: candle.time + (closed ? this.options.candleMs : 1),
      s: symbol,
      k: {
        t: candle.time,
        T: candle.time + this.options.candleMs - 1,
        s: symbol,
        i: this.options.interval,
        f: 100,
        L: 200,
        o: String(candle.open),
        c: String(candle.close),
        h: String(candle.high),
        l: String(candle.low),
        v: String(candle.volume),
        n: 100,
        x: closed,
        q: String(candle.volume * candle.close),
        V: String(candle.volume / 2),
        Q: String((candle.volume * candle.close) / 2),
        B: '0',
      },
    };
    const message = JSON.stringify(this.options.combined === true ? { stream, data: event } : event);
    for (const subscriber of this.subscribers) {
      if (subscriber.streams.has(stream)) subscriber.socket.send(message);
    }
  }

  private streamName(symbol: string): string {
    return `${symbol.toLowerCase()}@kline_${this.options.interval}`;
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
