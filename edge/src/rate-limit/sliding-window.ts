/**
 * The sliding-window counter (as Cloudflare and Upstash rate limiters): two fixed windows, the previous one
 * weighted by how much of it still overlaps the sliding window. O(1) memory per key, unlike a log of every hit,
 * and within a few percent of the exact sliding log. Pure arithmetic shared by every store, so the in-process and
 * Redis stores decide identically (the Redis script performs the same operations, in the same order).
 *
 *   estimate = previous × (window − elapsed) / window + current
 *   a hit is allowed when estimate + 1 ≤ limit, and then counted in the current window
 */

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Hits still allowed right now. */
  remaining: number;
  /** Milliseconds until a refused client may try again (0 when allowed). */
  retryAfterMs: number;
  /** Milliseconds until the current fixed window ends. */
  resetMs: number;
}

export function windowOf(nowMs: number, windowMs: number): { index: number; elapsedMs: number } {
  const index = Math.floor(nowMs / windowMs);
  return { index, elapsedMs: nowMs - index * windowMs };
}

export function estimate(previous: number, current: number, elapsedMs: number, windowMs: number): number {
  return (previous * (windowMs - elapsedMs)) / windowMs + current;
}

/** How long until `estimate + 1 ≤ limit`, if nobody else hits meanwhile. */
function retryAfter(previous: number, current: number, elapsedMs: number, windowMs: number, limit: number): number {
  const spare = limit - 1 - current;
  if (spare >= 0 && previous > 0) {
    // Later in this window: previous × (window − e) / window ≤ spare.
    return Math.max(0, Math.ceil(windowMs - (spare * windowMs) / previous - elapsedMs));
  }
  // Next window: current becomes the previous one, weighted down as the new window advances.
  const inNext = current > 0 ? Math.max(0, windowMs - ((limit - 1) * windowMs) / current) : 0;
  return Math.ceil(windowMs - elapsedMs + inNext);
}

/** The decision for one hit, given the counts before it (`countedCurrent`: after it, when it was allowed). */
export function decide(
  counts: { previous: number; current: number; allowed: boolean },
  elapsedMs: number,
  windowMs: number,
  limit: number,
): RateLimitDecision {
  const { previous, current, allowed } = counts;
  const used = estimate(previous, current, elapsedMs, windowMs);
  return {
    allowed,
    limit,
    remaining: Math.max(0, Math.floor(limit - used)),
    retryAfterMs: allowed ? 0 : retryAfter(previous, current, elapsedMs, windowMs, limit),
    resetMs: windowMs - elapsedMs,
  };
}
