/**
 * The seam between the warm and cold tiers as pure rules: which span the cold tier is asked for, and how the two
 * tiers' candles become one series (the tiers themselves are exercised for real in edge/test/candle-history.test.ts).
 */
import type { StoredCandle } from '@keel/db';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CandleHistoryRequest,
  coldSpanOf,
  HISTORY_STARTS_MS,
  mergeWarmOverCold,
  pageOf,
} from './candle-history.ts';

const HOUR_MS = 3_600_000;
const NOW = Date.UTC(2026, 10, 26, 12);
const candleAt = (openTime: number, close = 1): StoredCandle => ({
  openTime,
  open: 1,
  high: 1,
  low: 1,
  close,
  volume: 1,
});
const request = (more: Partial<CandleHistoryRequest> = {}): CandleHistoryRequest => ({
  symbol: 'BTC-USDT',
  timeframe: '1h',
  timeframeMs: HOUR_MS,
  limit: 100,
  nowMs: NOW,
  ...more,
});
const hours = (startMs: number, count: number) =>
  Array.from({ length: count }, (_, i) => candleAt(startMs + i * HOUR_MS));

describe('coldSpanOf', () => {
  const firstWarm = NOW - 720 * HOUR_MS;

  it('paging from inside the warm tier: the cold tier is not asked', () => {
    expect(coldSpanOf(request({ fromMs: firstWarm }), { candles: [], firstMs: firstWarm })).toBeNull();
    expect(coldSpanOf(request({ fromMs: firstWarm + 1 }), { candles: [], firstMs: firstWarm })).toBeNull();
  });

  it('paging from before it: the oldest `limit` up to the seam (or `to`, when earlier), from 2009 at most', () => {
    const fromMs = firstWarm - 10 * HOUR_MS;
    expect(coldSpanOf(request({ fromMs }), { candles: [], firstMs: firstWarm })).toEqual({
      fromMs,
      toMs: firstWarm - 1,
      wanted: 100,
      walk: 'forward',
    });
    expect(coldSpanOf(request({ fromMs, toMs: fromMs + HOUR_MS }), { candles: [], firstMs: firstWarm })).toEqual({
      fromMs,
      toMs: fromMs + HOUR_MS - 1,
      wanted: 100,
      walk: 'forward',
    });
    expect(coldSpanOf(request({ fromMs: 0 }), { candles: [], firstMs: null })).toEqual({
      fromMs: HISTORY_STARTS_MS,
      toMs: NOW,
      wanted: 100,
      walk: 'forward',
    });
  });

  it('the newest page: only when the warm tier has fewer than `limit`, the rest backward from its first', () => {
    expect(coldSpanOf(request({ limit: 3 }), { candles: hours(firstWarm, 3), firstMs: null })).toBeNull();
    expect(coldSpanOf(request({ limit: 5 }), { candles: hours(firstWarm, 3), firstMs: null })).toEqual({
      fromMs: HISTORY_STARTS_MS,
      toMs: firstWarm - 1,
      wanted: 2,
      walk: 'backward',
    });
    const toMs = firstWarm - 50 * HOUR_MS;
    expect(coldSpanOf(request({ toMs }), { candles: [], firstMs: null })).toEqual({
      fromMs: HISTORY_STARTS_MS,
      toMs: toMs - 1,
      wanted: 100,
      walk: 'backward',
    });
  });
});

describe('mergeWarmOverCold and pageOf', () => {
  const times = fc.uniqueArray(fc.integer({ min: 0, max: 500 }), { maxLength: 60 });

  it('one candle per open time, oldest first, the warm tier’s where both have one', () => {
    fc.assert(
      fc.property(times, times, (coldTimes, warmTimes) => {
        const cold = coldTimes.map((time) => candleAt(time * HOUR_MS, 0));
        const warm = warmTimes.sort((a, b) => a - b).map((time) => candleAt(time * HOUR_MS, 1));
        const merged = mergeWarmOverCold(cold, warm);
        const mergedTimes = merged.map((candle) => candle.openTime);
        expect(mergedTimes).toEqual(
          [...new Set([...coldTimes, ...warmTimes])].sort((a, b) => a - b).map((t) => t * HOUR_MS),
        );
        const warmSet = new Set(warmTimes.map((time) => time * HOUR_MS));
        for (const candle of merged) expect(candle.close).toBe(warmSet.has(candle.openTime) ? 1 : 0);
      }),
    );
  });

  it('keeps the oldest `limit` when paging from `from`, else the newest', () => {
    const merged = hours(0, 10);
    expect(pageOf(request({ limit: 3, fromMs: 0 }), merged)).toEqual(merged.slice(0, 3));
    expect(pageOf(request({ limit: 3 }), merged)).toEqual(merged.slice(7));
  });
});
