/** The in-process store, when Redis is not configured: exact within one process, bounded in memory. */
import { decide, estimate, windowOf } from './sliding-window.ts';
import type { RateLimitStore } from './store.ts';

interface Counts {
  windowIndex: number;
  previous: number;
  current: number;
}

/** Expired keys are swept after this many hits, so idle clients do not accumulate. */
const SWEEP_EVERY_HITS = 10_000;

export function memoryRateLimitStore(): RateLimitStore {
  const counts = new Map<string, Counts & { windowMs: number }>();
  let hitsSinceSweep = 0;

  function sweep(nowMs: number): void {
    for (const [key, entry] of counts) {
      if (windowOf(nowMs, entry.windowMs).index > entry.windowIndex + 1) counts.delete(key);
    }
  }

  return {
    async hit(key, limit, windowMs, nowMs) {
      if (++hitsSinceSweep >= SWEEP_EVERY_HITS) {
        hitsSinceSweep = 0;
        sweep(nowMs);
      }
      const { index, elapsedMs } = windowOf(nowMs, windowMs);
      let entry = counts.get(key);
      if (entry === undefined || entry.windowMs !== windowMs) {
        entry = { windowIndex: index, previous: 0, current: 0, windowMs };
        counts.set(key, entry);
      } else if (entry.windowIndex !== index) {
        entry.previous = entry.windowIndex === index - 1 ? entry.current : 0;
        entry.current = 0;
        entry.windowIndex = index;
      }
      const allowed = estimate(entry.previous, entry.current, elapsedMs, windowMs) + 1 <= limit;
      if (allowed) entry.current++;
      return decide({ previous: entry.previous, current: entry.current, allowed }, elapsedMs, windowMs, limit);
    },
    health: async () => 'up',
  };
}
