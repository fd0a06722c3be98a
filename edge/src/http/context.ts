/** What a request carries through the middleware to the handlers. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { UserScope } from '@keel/db';
import type { Context } from 'hono';
import type { Principal } from '../auth/principal.ts';
import type { Logger } from '../ports.ts';

export interface AppVariables {
  requestId: string;
  logger: Logger;
  /** The client's address, when known (the audit trail and IP allowlist use it). */
  clientIp: string | undefined;
  /** Set by the authenticate middleware on user routes. */
  principal: Principal;
  /** The per-principal rate-limit key already counted for this request (by ipRateLimit), if any. */
  rateLimitedKey: string | undefined;
  /** The answer's headers, set as it is built (http/response-headers.ts). */
  responseHeaders: Record<string, string>;
}

export type AppEnv = { Variables: AppVariables };
export type EdgeApp = OpenAPIHono<AppEnv>;
export type AppContext = Context<AppEnv>;

/** The request's context for the database's audit trail. */
export function requestContext(c: AppContext): { requestId: string; ip?: string } {
  const ip = c.get('clientIp');
  return ip === undefined ? { requestId: c.get('requestId') } : { requestId: c.get('requestId'), ip };
}

export type UserWork<T> = (tx: UserScope) => Promise<T>;
