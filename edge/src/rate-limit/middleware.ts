/**
 * Rate limits: per client IP on every request, per API token (or per user, for dashboard sessions) once
 * authenticated, and a tight per-IP budget for sign-up/login/refresh. A refused request is 429 with Retry-After;
 * every answer carries the RateLimit-* headers of the tightest limit it was counted against.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { ProblemError } from '../http/problem.ts';
import { planHeader } from '../http/response-headers.ts';
import type { EdgeDeps } from '../ports.ts';
import type { RateLimitDecision } from './sliding-window.ts';

/** The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers): two headers instead of four. */
function setHeaders(c: Context<AppEnv>, decision: RateLimitDecision, windowMs: number): void {
  planHeader(
    c,
    'ratelimit',
    `limit=${decision.limit}, remaining=${decision.remaining}, reset=${Math.ceil(decision.resetMs / 1000)}`,
  );
  planHeader(c, 'ratelimit-policy', `${decision.limit};w=${Math.round(windowMs / 1000)}`);
}

/** Counts one hit on `key` (null when a limit of 0 turns the check off). */
function count(deps: EdgeDeps, key: string, limit: number): Promise<RateLimitDecision> | null {
  if (limit <= 0) return null;
  return deps.rateLimitStore.hit(key, limit, deps.config.rateLimits.windowMs, deps.clock.now());
}

/** The 429 of a refused hit, with when to retry. */
function refuse(decision: RateLimitDecision, windowMs: number, limit: number, what: string): never {
  const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  throw new ProblemError(429, 'Too many requests', {
    type: 'urn:keel:problem:rate-limited',
    detail: `the ${what} limit is ${limit} requests per ${Math.round(windowMs / 1000)} s; retry in ${retryAfterSeconds} s`,
    headers: {
      'retry-after': String(retryAfterSeconds),
      ratelimit: `limit=${decision.limit}, remaining=0, reset=${Math.ceil(decision.resetMs / 1000)}`,
      'ratelimit-policy': `${decision.limit};w=${Math.round(windowMs / 1000)}`,
    },
  });
}

/** Puts a decision's headers on the answer; throws 429 when it refused. */
function apply(deps: EdgeDeps, c: Context<AppEnv>, decision: RateLimitDecision, limit: number, what: string): void {
  const windowMs = deps.config.rateLimits.windowMs;
  setHeaders(c, decision, windowMs);
  if (!decision.allowed) refuse(decision, windowMs, limit, what);
}

/** Counts one hit on `key`; throws 429 when over `limit`. A limit of 0 turns the check off. */
export async function enforceRateLimit(
  deps: EdgeDeps,
  c: Context<AppEnv>,
  key: string,
  limit: number,
  what: string,
): Promise<void> {
  const decision = await count(deps, key, limit);
  if (decision !== null) apply(deps, c, decision, limit, what);
}

export interface IpRateLimitOptions {
  /**
   * The per-user limit's key of a request whose caller is already known without any I/O (a session token verified
   * before), else null. Its hit is sent together with the per-IP one: one Redis round trip instead of two in a row,
   * and authenticate() does not count it again (rateLimitedKey). The cost: a request the per-IP limit refuses has
   * still been counted against its user.
   */
  knownPrincipalKey?: (c: Context<AppEnv>) => string | null;
}

/** The decision a client should pace itself by: the one with the fewest requests left. */
function tightest(decisions: readonly RateLimitDecision[]): RateLimitDecision {
  return decisions.reduce((tight, decision) => (decision.remaining < tight.remaining ? decision : tight));
}

export function ipRateLimit(
  deps: EdgeDeps,
  limit: number,
  scope: string,
  what: string,
  options: IpRateLimitOptions = {},
): MiddlewareHandler<AppEnv> {
  const perPrincipal = deps.config.rateLimits.perPrincipal;
  const windowMs = deps.config.rateLimits.windowMs;
  return async (c, next) => {
    const principalKey = perPrincipal > 0 ? (options.knownPrincipalKey?.(c) ?? null) : null;
    // Both hits are asked for before either answer is awaited: the Redis store sends them in one call.
    const [ipDecision, principalDecision] = await Promise.all([
      count(deps, `${scope}:${c.get('clientIp') ?? 'unknown'}`, limit),
      principalKey === null ? null : count(deps, principalKey, perPrincipal),
    ]);
    // The per-IP limit refuses first: it is the one that protects the service.
    if (ipDecision !== null && !ipDecision.allowed) refuse(ipDecision, windowMs, limit, what);
    if (principalDecision !== null && !principalDecision.allowed)
      refuse(principalDecision, windowMs, perPrincipal, 'per-user');
    const decisions = [ipDecision, principalDecision].filter((d): d is RateLimitDecision => d !== null);
    if (decisions.length > 0) setHeaders(c, tightest(decisions), windowMs);
    if (principalKey !== null) c.set('rateLimitedKey', principalKey);
    await next();
  };
}
