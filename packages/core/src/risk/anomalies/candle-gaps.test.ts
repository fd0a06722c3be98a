import { describe, expect, it } from 'vitest';
import { CandleGapDetector } from './candle-gaps.ts';

const HOUR = 3_600_000;

describe('candle gaps', () => {
  it('flags missing candles when the next one arrives late', () => {
    const detector = new CandleGapDetector({ candleMs: HOUR, staleCandles: 3, maxMissingCandles: 0 });
    expect(detector.update(0, 1, 2, 0.5, 1.5, 10)).toBeNull();
    expect(detector.update(HOUR, 1, 2, 0.5, 1.5, 10)).toBeNull();
    expect(detector.update(4 * HOUR, 1, 2, 0.5, 1.5, 10)).toEqual({
      kind: 'missing-candles',
      reason: '2 candle(s) missing before 1970-01-01T04:00:00.000Z',
    });
  });

  it('flags a frozen feed: the close repeated with no volume, N candles in a row', () => {
    const detector = new CandleGapDetector({ candleMs: HOUR, staleCandles: 3, maxMissingCandles: 0 });
    detector.update(0, 1, 2, 0.5, 1.5, 10);
    expect(detector.update(HOUR, 1.5, 1.5, 1.5, 1.5, 0)).toBeNull();
    expect(detector.update(2 * HOUR, 1.5, 1.5, 1.5, 1.5, 0)).toBeNull();
    expect(detector.update(3 * HOUR, 1.5, 1.5, 1.5, 1.5, 0)?.kind).toBe('stale-candles');
    expect(detector.update(4 * HOUR, 1.5, 1.5, 1.5, 1.5, 0)).toBeNull(); // flagged once per run
  });

  it('flags data overdue at a clock tick once, and not again when the late candle arrives', () => {
    const detector = new CandleGapDetector({ candleMs: HOUR, staleCandles: 3, maxMissingCandles: 1 });
    expect(detector.overdue(5 * HOUR)).toBeNull(); // no candle yet: nothing to be late against
    detector.update(0, 1, 2, 0.5, 1.5, 10);
    expect(detector.overdue(2 * HOUR)).toBeNull(); // one missing: tolerated
    expect(detector.overdue(3 * HOUR)).toContain('2 candle(s) overdue');
    expect(detector.overdue(4 * HOUR)).toBeNull();
    expect(detector.update(5 * HOUR, 1, 2, 0.5, 1.5, 10)).toBeNull();
  });
});
