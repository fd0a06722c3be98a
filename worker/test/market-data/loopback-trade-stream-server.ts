/**
 * Trade events of the loopback Binance market stream (loopback-market-stream-server.ts) in Binance's wire format on
 * `<symbol>@aggTrade`: `{e: "aggTrade", E, s, a, p, q, f, l, T, m, M}`, the same ids as REST's /api/v3/aggTrades.
 */
import { LoopbackMarketStreamServer } from './loopback-market-stream-server.ts';
import { aggTradeWire, type VenueTrade } from './loopback-trades-server.ts';

export class LoopbackTradeStreamServer extends LoopbackMarketStreamServer {
  /** How many open sockets subscribed to `symbol`'s aggregate trades (e.g. `BTCUSDT`). */
  subscribedTo(symbol: string): number {
    return this.subscribersOf(streamName(symbol));
  }

  pushTrade(trade: VenueTrade): void {
    this.pushEvent(trade.symbol, aggTradeWire(trade));
  }

  /** An event as is, with the envelope fields added: for answers that are not what they should be. */
  pushEvent(symbol: string, fields: Record<string, unknown>): void {
    const event = { e: 'aggTrade', E: Number(fields.T ?? 0) + 1, s: symbol, ...fields };
    this.broadcast(streamName(symbol), event);
  }
}

function streamName(symbol: string): string {
  return `${symbol.toLowerCase()}@aggTrade`;
}
