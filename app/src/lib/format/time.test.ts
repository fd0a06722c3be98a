import { describe, expect, it } from 'vitest';
import { formatDateTime, formatRelative } from './time.ts';

describe('times', () => {
  it('formats ISO times in the locale', () => {
    expect(formatDateTime('2025-11-26T14:05:00Z', 'en-GB')).toMatch(/26 Nov 2025/);
    expect(formatDateTime('not a time')).toBe('—');
  });

  it('says how long ago', () => {
    const now = Date.parse('2025-11-26T14:05:00Z');
    expect(formatRelative(now - 3 * 60_000, now, 'en')).toBe('3 minutes ago');
    expect(formatRelative(now + 2 * 3_600_000, now, 'en')).toBe('in 2 hours');
    expect(formatRelative(now, now, 'en')).toBe('now');
  });
});
