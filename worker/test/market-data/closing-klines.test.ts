/**
 * ClosingKlines: which of ccxt.pro's streamed kline rows have closed, whatever way the updates were batched into
 * watch answers: each closed kline exactly once, in order, with its final values, the forming one never.
 */
import type { Candle } from '@keel/core/market/types.ts';
import type { OHLCV } from 'ccxt';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClosingKlines } from '../../src/market/closing-klines.ts';

const MINUTE_MS = 60_000;
const START_MS = Date.UTC(2024, 6, 27);

function row(candle: Candle): OHLCV {
  return [candle.time, candle.open, candle.high, candle.low, candle.close, candle.volume];
}

/** Binance's updates of one kline over its life: open price only first, the final values last. */
function updatesOf(candle: Candle, partials: number): OHLCV[] {
  const first = { ...candle, high: candle.open, low: candle.open, close: candle.open, volume: 0 };
  return [...Array.from({ length: partials }, () => row(first)), row(candle)];
}

const candleArbitrary = (index: number) =>
  fc
    .record({
      open: fc.integer({ min: 1, max: 100_000 }),
      close: fc.integer({ min: 1, max: 100_000 }),
      volume: fc.integer({ min: 0, max: 1_000 }),
    })
    .map(({ open, close, volume }) => ({
      time: START_MS + index * MINUTE_MS,
      open,
      high: Math.max(open, close) + 1,
      low: Math.min(open, close),
      close,
      volume,
    }));

describe('ClosingKlines', () => {
  it('closes a kline when the next one starts, with its last values', () => {
    const klines = new ClosingKlines();
    const first = { time: START_MS, open: 10, high: 12, low: 9, close: 11, volume: 3 };
    const second = { time: START_MS + MINUTE_MS, open: 11, high: 11, low: 11, close: 11, volume: 0 };
    expect(klines.update(updatesOf(first, 2).slice(0, 1))).toEqual([]);
    expect(klines.update(updatesOf(first, 2).slice(1))).toEqual([]);
    expect(klines.update([row(second)])).toEqual([first]);
    expect(klines.update([row(second)])).toEqual([]);
  });

  it('ignores rows older than the forming kline (ccxt’s cache from before)', () => {
    const klines = new ClosingKlines();
    const old = { time: START_MS, open: 1, high: 1, low: 1, close: 1, volume: 1 };
    const forming = { time: START_MS + 2 * MINUTE_MS, open: 2, high: 2, low: 2, close: 2, volume: 2 };
    klines.update([row(forming)]);
    expect(klines.update([row(old), row(forming)])).toEqual([]);
  });

  it('after a reconnect, trusts nothing seen on the old socket', () => {
    const klines = new ClosingKlines();
    const partial = { time: START_MS, open: 10, high: 10, low: 10, close: 10, volume: 0 };
    klines.update([row(partial)]);
    klines.reset();
    const next = { time: START_MS + MINUTE_MS, open: 11, high: 11, low: 11, close: 11, volume: 0 };
    expect(klines.update([row(next)])).toEqual([]);
  });

  it('copies values: ccxt updating its row in place later changes no candle handed out', () => {
    const klines = new ClosingKlines();
    const shared: OHLCV = [START_MS, 1, 2, 0.5, 1.5, 7];
    klines.update([shared]);
    const [closed] = klines.update([[START_MS + MINUTE_MS, 2, 2, 2, 2, 0]]);
    shared[4] = 99;
    expect(closed?.close).toBe(1.5);
  });

  it('emits every closed kline once, in order, final values, however the updates are batched', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 30 })
          .chain((count) =>
            fc.tuple(
              fc.tuple(...Array.from({ length: count }, (_, index) => candleArbitrary(index))),
              fc.array(fc.integer({ min: 0, max: 3 }), { minLength: count, maxLength: count }),
              fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 200 }),
            ),
          ),
        ([candles, partials, batchSizes]) => {
          // ccxt hands out each open time once per answer, with its latest values: a batch keeps the last of each.
          const updates = candles.flatMap((candle, index) => updatesOf(candle, partials[index] ?? 0));
          const klines = new ClosingKlines();
          const closed: Candle[] = [];
          for (let at = 0, batch = 0; at < updates.length; batch++) {
            const size = batchSizes[batch % batchSizes.length] ?? 1;
            const answer = new Map(updates.slice(at, at + size).map((update) => [update[0], update]));
            closed.push(...klines.update([...answer.values()]));
            at += size;
          }
          expect(closed).toEqual(candles.slice(0, -1));
        },
      ),
    );
  });
});
