/**
 * The trade cursor against any trade list with many trades per millisecond, read in pages that start at the
 * cursor (inclusive, as Binance's startTime) and cut anywhere, mixed with batches that overlap what was taken: every
 * trade comes out once, in order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketTrade } from '../../src/market/market-trade.ts';
import { TradeCursor } from '../../src/market/trade-cursor.ts';

/** Trades 0..n−1, each 0–2 ms after the one before: long runs share a millisecond. */
const tradeList = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 300 }).map((steps) => {
  let timeMs = 1_000;
  return steps.map((step, at): MarketTrade => {
    timeMs += step;
    return { id: `t${at}`, timeMs, side: at % 3 === 0 ? 'sell' : 'buy', amountBase: 1, priceQuote: 100 };
  });
});

/** What a venue answers: up to `limit` trades stamped at or after `sinceMs`, oldest first. */
function page(trades: readonly MarketTrade[], sinceMs: number, limit: number): MarketTrade[] {
  return trades.filter((trade) => trade.timeMs >= sinceMs).slice(0, limit);
}

describe('TradeCursor', () => {
  it('takes every trade once, in order, whatever the page size and equal timestamps at the page edges', () => {
    fc.assert(
      fc.property(tradeList, fc.integer({ min: 4, max: 40 }), (trades, limit) => {
        // Pages must outnumber the trades of any one millisecond, or time paging cannot pass it (see the stream).
        fc.pre(Math.max(...countsPerMs(trades)) < limit);
        const cursor = new TradeCursor(0);
        const taken: MarketTrade[] = [];
        for (let pages = 0; pages < 1_000; pages++) {
          const answer = page(trades, cursor.sinceMs, limit);
          taken.push(...cursor.take(answer));
          if (answer.length < limit) break;
        }
        expect(taken.map((trade) => trade.id)).toEqual(trades.map((trade) => trade.id));
      }),
    );
  });

  it('drops what a second source repeats: websocket batches overlapping REST pages', () => {
    fc.assert(
      fc.property(tradeList, fc.array(fc.nat(), { minLength: 1, maxLength: 10 }), (trades, cuts) => {
        const cursor = new TradeCursor(0);
        const taken: MarketTrade[] = [];
        let from = 0;
        for (const cut of cuts) {
          // Each batch starts up to 5 trades before the end of the previous one: a repeat, never a gap.
          const start = Math.max(0, from - (cut % 6));
          const end = Math.min(trades.length, from + (cut % 50));
          taken.push(...cursor.take(trades.slice(start, end)));
          from = Math.max(from, end);
        }
        taken.push(...cursor.take(trades.slice(Math.max(0, from - 3))));
        expect(taken.map((trade) => trade.id)).toEqual(trades.map((trade) => trade.id));
      }),
    );
  });

  it('drops trades older than the cursor, and takes all again after a restart', () => {
    const trade = (id: string, timeMs: number): MarketTrade => ({
      id,
      timeMs,
      side: 'buy',
      amountBase: 1,
      priceQuote: 1,
    });
    const cursor = new TradeCursor(10);
    expect(cursor.take([trade('a', 9), trade('b', 10), trade('c', 12)]).map((t) => t.id)).toEqual(['b', 'c']);
    expect(cursor.take([trade('c', 12), trade('d', 12)]).map((t) => t.id)).toEqual(['d']);
    expect(cursor.sinceMs).toBe(12);
    cursor.restart(12);
    expect(cursor.take([trade('c', 12)]).map((t) => t.id)).toEqual(['c']);
  });
});

function countsPerMs(trades: readonly MarketTrade[]): number[] {
  const counts = new Map<number, number>();
  for (const trade of trades) counts.set(trade.timeMs, (counts.get(trade.timeMs) ?? 0) + 1);
  return [...counts.values()];
}
