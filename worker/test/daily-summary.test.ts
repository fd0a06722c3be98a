/** When a user's daily summary is due: once per local day, in their time zone, UTC when they have none. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastFinishedDay, localDate, summaryDue, timeZoneOrUtc } from '../src/notifications/daily-summary.ts';

describe('daily summary schedule', () => {
  it('falls back to UTC for a missing or unknown zone', () => {
    expect(timeZoneOrUtc(undefined)).toBe('UTC');
    expect(timeZoneOrUtc('Mars/Olympus_Mons')).toBe('UTC');
    expect(timeZoneOrUtc('Asia/Tokyo')).toBe('Asia/Tokyo');
  });

  it('is due for the day that just ended in the user’s zone, once', () => {
    // 2026-11-26 00:30 in Tokyo is 2026-11-25 15:30 UTC: Tokyo's 25th is over, UTC's 24th is the last finished.
    const now = new Date('2026-11-25T15:30:00Z');
    expect(summaryDue(now, 'Asia/Tokyo', '2026-11-24')).toBe('2026-11-25');
    expect(summaryDue(now, 'Asia/Tokyo', '2026-11-25')).toBeNull();
    expect(summaryDue(now, 'UTC', '2026-11-24')).toBeNull();
    expect(summaryDue(new Date('2026-11-26T00:01:00Z'), 'UTC', '2026-11-24')).toBe('2026-11-25');
  });

  it('the last finished day is always the local day before today, across DST changes', () => {
    // Found by this property: the night after a 23-hour day, "now − 24 h" is two days back.
    expect(lastFinishedDay(new Date('2026-03-09T04:11:00Z'), 'America/New_York')).toBe('2026-03-08');
    expect(lastFinishedDay(new Date('2026-03-29T22:41:00Z'), 'Europe/Berlin')).toBe('2026-03-29');
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'),
        (now, zone) => {
          const finished = lastFinishedDay(now, zone);
          const today = localDate(now, zone);
          expect(finished < today).toBe(true);
          const next = new Date(`${finished}T12:00:00Z`);
          next.setUTCDate(next.getUTCDate() + 1);
          expect(next.toISOString().slice(0, 10)).toBe(today);
        },
      ),
      { numRuns: 300 },
    );
  });
});
