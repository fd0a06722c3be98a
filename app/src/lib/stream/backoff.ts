/**
 * Reconnect delays: exponential with "full jitter" (a random delay up to the exponential bound, as in AWS's
 * "Exponential Backoff and Jitter"), so a restarted API is not hit by every dashboard at the same instant.
 */
export interface BackoffOptions {
  /** Bound of the first retry's delay. Default 500 ms. */
  initialMs?: number;
  /** No delay grows past this. Default 30 s. */
  maxMs?: number;
  /** Growth of the bound per failed attempt. Default 2. */
  factor?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialMs: 500, maxMs: 30_000, factor: 2 };

/** The delay before retry number `attempt` (0 for the first), between a tenth of its bound and the bound. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const { initialMs, maxMs, factor } = { ...DEFAULT_BACKOFF, ...options };
  const bound = Math.min(maxMs, initialMs * factor ** Math.max(0, attempt));
  // A tenth of the bound at least: a zero delay would turn a flapping server into a busy loop.
  return Math.round(bound * (0.1 + 0.9 * random()));
}
