/**
 * What every route module gets: the ports, the middleware that makes a route a user route (authenticate, then the
 * API-token scope it needs), and `asUser`, the one way handlers reach the database — as the principal's user, in
 * one transaction, with the request id and client address for the audit trail, under row-level security.
 */
import { type RouteConfig, z } from '@hono/zod-openapi';
import { Problem, Uuid } from '@keel/contract';
import type { MiddlewareHandler } from 'hono';
import type { Scope } from '../auth/principal.ts';
import type { EdgeDeps } from '../ports.ts';
import { type AppContext, type AppEnv, requestContext, type UserWork } from './context.ts';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';

export interface RouteKit {
  deps: EdgeDeps;
  secured(scope: Scope): MiddlewareHandler<AppEnv>[];
  asUser<T>(c: AppContext, work: UserWork<T>): Promise<T>;
  /** One read-only SQL statement as the principal's user, under the same RLS; one round trip on PostgreSQL. */
  readAsUser(c: AppContext, text: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
}

export function routeKit(
  deps: EdgeDeps,
  authenticate: MiddlewareHandler<AppEnv>,
  requireScope: (scope: Scope) => MiddlewareHandler<AppEnv>,
): RouteKit {
  return {
    deps,
    secured: (scope) => [authenticate, requireScope(scope)],
    asUser: (c, work) => deps.database.asUser(c.get('principal').claims, work, requestContext(c)),
    readAsUser: (c, text, params) =>
      deps.database.readAsUser(c.get('principal').claims, text, params, requestContext(c)),
  };
}

export const IdParam = z.object({ id: Uuid });

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { content: { 'application/json': { schema } }, description };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { body: { content: { 'application/json': { schema } }, required: true } };
}

/**
 * A contract schema as a named OpenAPI component (#/components/schemas/<name>): operations refer to it with $ref
 * instead of inlining a copy. The contract's schemas may be built before @hono/zod-openapi has added `.openapi` to
 * zod (module order decides), so the method is taken from zod's prototype rather than from the instance.
 */
export function component<T extends z.ZodType>(schema: T, name: string): T {
  const { openapi } = z.ZodType.prototype as unknown as { openapi(this: T, refId: string): T };
  return openapi.call(schema, name);
}

/** Problem details, named once: every error response of every route refers to it. */
const ProblemComponent = component(Problem, 'Problem');

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: the errors say which fields and why',
  401: 'Not signed in, or the token is invalid or expired',
  403: 'The token lacks the scope, the IP is not on the allowlist, or the action is not allowed',
  404: 'No such item, or it is not yours',
  409: 'Conflicts with an existing item',
  413: 'Body too large',
  415: 'Body is not application/json',
  422: 'Refused by a rule of the data (e.g. a reference to an item that is not yours)',
  429: 'Rate limited: retry after Retry-After seconds',
  501: 'Not available in this deployment',
};

/** problem+json responses for the statuses a route can answer, besides the ones every route can (4xx of the body). */
export function problems(
  ...statuses: number[]
): Record<number, { content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof ProblemComponent } }; description: string }> {
  const all = new Set([400, 429, ...statuses]);
  return Object.fromEntries(
    [...all].map((status) => [
      status,
      {
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemComponent } },
        description: PROBLEM_DESCRIPTIONS[status] ?? 'Error',
      },
    ]),
  );
}

/** The statuses of a user route: not signed in, lacking scope, rate limited, invalid. */
export const USER_PROBLEMS = [401, 403] as const;

export function userRoute<R extends RouteConfig>(kit: RouteKit, scope: Scope, config: R): R {
  return {
    ...config,
    security: [{ bearerAuth: [] }],
    middleware: kit.secured(scope),
    description: `${config.description ?? ''}\n\nAPI tokens need the \`${scope}\` scope.`.trim(),
  };
}

export function toIso(date: Date): string {
  return date.toISOString();
}

export function toIsoOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
