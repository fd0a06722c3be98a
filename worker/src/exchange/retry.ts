/**
 * Retry with exponential backoff and full jitter (delay uniform in [0, min(cap, base · 2^attempt)], AWS
 * Architecture Blog "Exponential Backoff And Jitter"): bots that failed together do not retry together.
 * Only `retryable` and `rate-limited` failures are retried; a rate-limited one also holds the shared limiter for
 * the venue's Retry-After, so every bot of the process backs off, not just this one.
 */
import { classifyExchangeError, type ExchangeFailure } from './exchange-errors.ts';
import { type RequestLimiter, realSleep } from './request-limiter.ts';

export interface RetryOptions {
  /** Tries in all, the first included; default 4. */
  attempts?: number;
  /** Default 200 ms. */
  baseDelayMs?: number;
  /** Default 5 s. */
  maxDelayMs?: number;
  /** Wait after a 429 without Retry-After; default 1 s. */
  rateLimitWaitMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface RetryContext {
  limiter: RequestLimiter;
  /** The venue's Retry-After of the last response, in ms, if it sent one. */
  retryAfterMs(): number | undefined;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  attempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  rateLimitWaitMs: 1_000,
  random: Math.random,
  sleep: realSleep,
};

export function backoffDelayMs(attempt: number, options: Required<RetryOptions>): number {
  return options.random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
}

/** Runs `call` until it succeeds, fails for good, or runs out of attempts; throws the last classified failure. */
export async function withRetry<T>(
  call: () => Promise<T>,
  context: RetryContext,
  options: RetryOptions = {},
): Promise<T> {
  const settings = { ...DEFAULT_RETRY, ...options };
  let last: ExchangeFailure | undefined;
  for (let attempt = 0; attempt < settings.attempts; attempt++) {
    try {
      return await call();
    } catch (error) {
      last = classifyExchangeError(error);
      if (last.kind !== 'retryable' && last.kind !== 'rate-limited') throw last;
      if (attempt === settings.attempts - 1) break;
      if (last.kind === 'rate-limited') {
        context.limiter.holdFor(context.retryAfterMs() ?? settings.rateLimitWaitMs);
      } else {
        await settings.sleep(backoffDelayMs(attempt, settings));
      }
    }
  }
  throw last;
}
