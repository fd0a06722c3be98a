/**
 * The since-cursor of one market's trades, shared by REST pages and websocket batches so that neither skips nor
 * repeats a trade. Venues page trades by time (Binance aggTrades: `startTime` inclusive), and many trades share a
 * millisecond, so the next page starts AT the newest time taken, not after it, and the ids already taken at that
 * millisecond are dropped when they come again. A trade older than the cursor was taken before (each source
 * delivers in time order, and every source starts from the cursor), so it is dropped too.
 */
import type { MarketTrade } from './market-trade.ts';

export class TradeCursor {
  /** The next page asks from here (inclusive): the newest time taken, or where the cursor started. */
  sinceMs: number;
  private idsAtSince = new Set<string>();

  constructor(sinceMs: number) {
    this.sinceMs = sinceMs;
  }

  /** The trades of `batch` not taken yet, in time order; they count as taken from now on. */
  take(batch: readonly MarketTrade[]): MarketTrade[] {
    const fresh: MarketTrade[] = [];
    for (const trade of [...batch].sort((a, b) => a.timeMs - b.timeMs)) {
      if (trade.timeMs < this.sinceMs) continue;
      if (trade.timeMs === this.sinceMs) {
        if (this.idsAtSince.has(trade.id)) continue;
      } else {
        this.sinceMs = trade.timeMs;
        this.idsAtSince = new Set();
      }
      this.idsAtSince.add(trade.id);
      fresh.push(trade);
    }
    return fresh;
  }

  /** Starts over from `sinceMs`, forgetting what was taken (a gap: see TakerFlowWindow.restart). */
  restart(sinceMs: number): void {
    this.sinceMs = sinceMs;
    this.idsAtSince = new Set();
  }
}
