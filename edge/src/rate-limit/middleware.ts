/**
 * Rate limits: per client IP on every request, per API token (or per user, for dashboard sessions) once
 * authenticated, and a tight per-IP budget for sign-up/login/refresh. A refused request is 429 with Retry-After;
 * every answer carries the RateLimit-* headers of the tightest limit it was counted against.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { ProblemError } from '../http/problem.ts';
import type { EdgeDeps } from '../ports.ts';
import type { RateLimitDecision } from './sliding-window.ts';

/** The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers): two headers instead of four. */
function setHeaders(c: Context<AppEnv>, decision: RateLimitDecision, windowMs: number): void {
  c.header(
    'ratelimit',
    `limit=${decision.limit}, remaining=${decision.remaining}, reset=${Math.ceil(decision.resetMs / 1000)}`,
  );
  c.header('ratelimit-policy', `${decision.limit};w=${Math.round(windowMs / 1000)}`);
}

/** Counts one hit on `key`; throws 429 when over `limit`. A limit of 0 turns the check off. */
export async function enforceRateLimit(
  deps: EdgeDeps,
  c: Context<AppEnv>,
  key: string,
  limit: number,
  what: string,
): Promise<void> {
  if (limit <= 0) return;
  const windowMs = deps.config.rateLimits.windowMs;
  const decision = await deps.rateLimitStore.hit(key, limit, windowMs, deps.clock.now());
  setHeaders(c, decision, windowMs);
  if (!decision.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    throw new ProblemError(429, 'Too many requests', {
      type: 'urn:keel:problem:rate-limited',
      detail: `the ${what} limit is ${limit} requests per ${Math.round(windowMs / 1000)} s; retry in ${retryAfterSeconds} s`,
      headers: {
        'retry-after': String(retryAfterSeconds),
        ratelimit: `limit=${decision.limit}, remaining=0, reset=${Math.ceil(decision.resetMs / 1000)}`,
      },
    });
  }
}

export function ipRateLimit(deps: EdgeDeps, limit: number, scope: string, what: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await enforceRateLimit(deps, c, `${scope}:${c.get('clientIp') ?? 'unknown'}`, limit, what);
    await next();
  };
}
