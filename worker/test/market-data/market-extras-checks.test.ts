/**
 * The checks a venue's answer passes before it reaches a feature (order-book-imbalance.ts, funding-rate-reading.ts,
 * venue-timestamp.ts) and the history that hands a bot what was known at its candle's close (reading-history.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fundingRateReading } from '../../src/market/funding-rate-reading.ts';
import { InvalidMarketDataError } from '../../src/market/invalid-market-data-error.ts';
import { orderBookImbalance } from '../../src/market/order-book-imbalance.ts';
import { ReadingHistory } from '../../src/market/reading-history.ts';
import { MAX_CLOCK_SKEW_MS, readingTimeMs } from '../../src/market/venue-timestamp.ts';

const WHAT = 'test book';

/** A valid book: bids strictly below asks, best first, positive prices, non-negative quantities. */
const validBook = fc
  .record({
    mid: fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
    bidQty: fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }),
    askQty: fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }),
  })
  .filter(({ bidQty, askQty }) => bidQty.some((qty) => qty > 0) || askQty.some((qty) => qty > 0))
  .map(({ mid, bidQty, askQty }) => ({
    bids: bidQty.map((qty, at) => [mid * (1 - 0.001 * (at + 1)), qty]),
    asks: askQty.map((qty, at) => [mid * (1 + 0.001 * (at + 1)), qty]),
  }));

const sum = (levels: number[][], count: number) =>
  levels.slice(0, count).reduce((total, [, qty]) => total + (qty as number), 0);

describe('orderBookImbalance', () => {
  it('is (bid qty − ask qty) / (bid qty + ask qty) over the top levels, within [−1, 1]', () => {
    fc.assert(
      fc.property(validBook, fc.integer({ min: 1, max: 40 }), (book, levels) => {
        const bidQty = sum(book.bids, levels);
        const askQty = sum(book.asks, levels);
        if (bidQty + askQty === 0) {
          expect(() => orderBookImbalance(book, levels, WHAT)).toThrow(/no quantity/);
          return;
        }
        const imbalance = orderBookImbalance(book, levels, WHAT);
        expect(imbalance).toBeGreaterThanOrEqual(-1);
        expect(imbalance).toBeLessThanOrEqual(1);
        expect(imbalance).toBeCloseTo((bidQty - askQty) / (bidQty + askQty), 12);
      }),
    );
  });

  it('reads only the top levels', () => {
    const book = {
      bids: [
        [100, 3],
        [99, 1000],
      ],
      asks: [
        [101, 1],
        [102, 1000],
      ],
    };
    expect(orderBookImbalance(book, 1, WHAT)).toBeCloseTo(0.5, 12);
  });

  it.each([
    ['a crossed book', { bids: [[101, 1]], asks: [[100, 1]] }, /crossed book: best bid 101 ≥ best ask 100/],
    ['a locked book', { bids: [[100, 1]], asks: [[100, 1]] }, /crossed book/],
    ['a negative quantity', { bids: [[99, -1]], asks: [[100, 1]] }, /bids\[0\] quantity -1 is not a non-negative/],
    ['a NaN price', { bids: [[99, 1]], asks: [[Number.NaN, 1]] }, /asks\[0\] price NaN is not a positive number/],
    ['a missing price', { bids: [[99, 1]], asks: [[undefined, 1]] }, /asks\[0\] price undefined/],
    ['a zero price', { bids: [[0, 1]], asks: [[100, 1]] }, /bids\[0\] price 0/],
    ['a level that is not a pair', { bids: ['99'], asks: [[100, 1]] }, /bids\[0\] price undefined/],
    ['missing bids', { asks: [[100, 1]] }, /bids missing/],
    ['no asks', { bids: [[99, 1]], asks: [] }, /no asks/],
    ['nothing on either side', { bids: [[99, 0]], asks: [[100, 0]] }, /no quantity on either side/],
  ])('rejects %s with the reason', (_, book, reason) => {
    expect(() => orderBookImbalance(book, 20, WHAT)).toThrow(InvalidMarketDataError);
    expect(() => orderBookImbalance(book, 20, WHAT)).toThrow(reason);
  });
});

describe('fundingRateReading', () => {
  const now = 1_700_000_000_000;
  it('keeps a plausible rate with the venue stamp, or the arrival time when there is none', () => {
    expect(fundingRateReading({ fundingRate: 0.0003, timestamp: now - 5 }, now, WHAT)).toEqual({
      value: 0.0003,
      timeMs: now - 5,
    });
    expect(fundingRateReading({ fundingRate: -0.0001 }, now, WHAT)).toEqual({ value: -0.0001, timeMs: now });
  });

  it.each([
    ['a missing rate', {}, /funding rate missing/],
    ['a NaN rate', { fundingRate: Number.NaN }, /funding rate NaN is not a number/],
    ['a text rate', { fundingRate: '0.0001' }, /is not a number/],
    ['an impossible rate', { fundingRate: 0.5 }, /beyond ±0.1 per interval/],
    ['a stamp that is not a time', { fundingRate: 0.0001, timestamp: 'soon' }, /timestamp soon is not a number/],
  ])('rejects %s', (_, raw, reason) => {
    expect(() => fundingRateReading(raw, now, WHAT)).toThrow(reason);
  });

  it('rejects a venue stamp further than the clock skew allowance from ours', () => {
    expect(readingTimeMs(now + MAX_CLOCK_SKEW_MS, now, WHAT)).toBe(now + MAX_CLOCK_SKEW_MS);
    expect(() => readingTimeMs(now - MAX_CLOCK_SKEW_MS - 1, now, WHAT)).toThrow(/-60001 ms from our clock/);
  });
});

describe('ReadingHistory', () => {
  it('gives the latest reading at or before the decision time, never a later one', () => {
    const history = new ReadingHistory();
    history.record({ value: 0.1, timeMs: 1_000 });
    history.record({ value: 0.2, timeMs: 2_000 });
    history.record({ value: 0.3, timeMs: 3_000 });
    expect(history.at(999)).toBeNull();
    expect(history.at(1_000)).toEqual({ value: 0.1, timeMs: 1_000 });
    expect(history.at(2_999)).toEqual({ value: 0.2, timeMs: 2_000 });
    expect(history.at(10_000)).toEqual({ value: 0.3, timeMs: 3_000 });
  });

  it('a failure masks everything from its time until the next reading', () => {
    const history = new ReadingHistory();
    history.record({ value: 0.1, timeMs: 1_000 });
    history.recordFailure(2_000);
    history.record({ value: 0.3, timeMs: 3_000 });
    expect(history.at(1_500)).toEqual({ value: 0.1, timeMs: 1_000 });
    expect(history.at(2_500)).toBeNull();
    expect(history.at(3_000)).toEqual({ value: 0.3, timeMs: 3_000 });
  });

  it('forgets the oldest beyond its capacity: a decision time older than all it holds is masked', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 40 }), (capacity, count) => {
        const history = new ReadingHistory(capacity);
        for (let at = 1; at <= count; at++) history.record({ value: at, timeMs: at * 1_000 });
        const oldestKept = Math.max(1, count - capacity + 1);
        for (let at = 1; at <= count; at++) {
          expect(history.at(at * 1_000)?.value ?? null).toBe(at >= oldestKept ? at : null);
        }
      }),
    );
  });
});
