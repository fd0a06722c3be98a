/**
 * Kline events of the loopback Binance market stream (loopback-market-stream-server.ts) in Binance's wire format
 * (strings for prices, `x: true` on a kline's final update) on `<symbol>@kline_<interval>`.
 */
import type { Candle } from '@keel/core/market/types.ts';
import { LoopbackMarketStreamServer } from './loopback-market-stream-server.ts';

export interface LoopbackKlineStreamOptions {
  /** Binance interval name, e.g. `1m`. */
  interval: string;
  candleMs: number;
  /** Wrap events as a combined stream does; default false (raw, as ccxt's `/ws` connections get). */
  combined?: boolean;
}

export class LoopbackKlineStreamServer extends LoopbackMarketStreamServer {
  private readonly options: LoopbackKlineStreamOptions;

  constructor(options: LoopbackKlineStreamOptions) {
    super(options.combined ?? false);
    this.options = options;
  }

  /** How many open sockets subscribed to `symbol`'s klines (e.g. `BTCUSDT`). */
  subscribedTo(symbol: string): number {
    return this.subscribersOf(this.streamName(symbol));
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
    this.broadcast(this.streamName(symbol), event);
  }

  private streamName(symbol: string): string {
    return `${symbol.toLowerCase()}@kline_${this.options.interval}`;
  }
}
