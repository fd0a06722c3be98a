/**
 * /v1/auth/*: self-hosted accounts (signup, login, refresh, logout), answering like Supabase Auth. In Supabase mode
 * the dashboard signs in with supabase-js and these answer 501: there is one sign-in authority per deployment.
 */
import { createRoute } from '@hono/zod-openapi';
import { LoginRequest, LogoutRequest, RefreshRequest, SignupRequest, TokenResponse } from '@keel/contract';
import type { AccessTokens } from '../auth/access-tokens.ts';
import { AccountExistsError, selfHostedSessions } from '../auth/sessions.ts';
import type { AppContext, EdgeApp } from '../http/context.ts';
import { conflict, ProblemError } from '../http/problem.ts';
import { json, jsonBody, problems, type RouteKit } from '../http/route-kit.ts';
import { ipRateLimit } from '../rate-limit/middleware.ts';

export function registerAuthRoutes(app: EdgeApp, kit: RouteKit, tokens: AccessTokens): void {
  const { deps } = kit;
  const sessions = selfHostedSessions({
    database: deps.database,
    authStore: deps.authStore,
    tokens,
    clock: deps.clock,
    passwordCost: deps.config.passwordCost,
    refreshTokenTtlSeconds: deps.config.refreshTokenTtlSeconds,
  });
  const limit = ipRateLimit(deps, deps.config.rateLimits.authPerIp, 'auth', 'sign-in attempts per IP');
  const selfHostedOnly = async (_c: AppContext, next: () => Promise<void>) => {
    if (deps.config.auth.mode !== 'self-hosted') {
      throw new ProblemError(501, 'Not available in this deployment', {
        detail: 'this deployment signs in through Supabase Auth: use supabase-js, then send its access token here',
      });
    }
    await next();
  };
  const origin = (c: AppContext) => ({
    requestId: c.get('requestId'),
    logger: c.get('logger'),
    ...(c.get('clientIp') === undefined ? {} : { ip: c.get('clientIp') as string }),
  });
  const base = { tags: ['auth'], middleware: [selfHostedOnly, limit] };

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/auth/signup',
      summary: 'Create an account (self-hosted mode)',
      request: jsonBody(SignupRequest),
      responses: { 200: json(TokenResponse, 'Signed in: access and refresh token'), ...problems(409, 501) },
    }),
    async (c) => {
      try {
        return c.json(await sessions.signup(c.req.valid('json'), origin(c)), 200);
      } catch (error) {
        if (error instanceof AccountExistsError) throw conflict(error.message);
        throw error;
      }
    },
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/auth/login',
      summary: 'Sign in with email and password (self-hosted mode)',
      request: jsonBody(LoginRequest),
      responses: { 200: json(TokenResponse, 'Signed in'), ...problems(401, 501) },
    }),
    async (c) => c.json(await sessions.login(c.req.valid('json'), origin(c)), 200),
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/auth/refresh',
      summary: 'Trade a refresh token for new tokens (the refresh token rotates)',
      description: 'Each refresh token works once. Using one twice signs out every session of that login.',
      request: jsonBody(RefreshRequest),
      responses: { 200: json(TokenResponse, 'New tokens'), ...problems(401, 501) },
    }),
    async (c) => c.json(await sessions.refresh(c.req.valid('json').refresh_token, origin(c)), 200),
  );

  app.openapi(
    createRoute({
      ...base,
      method: 'post',
      path: '/v1/auth/logout',
      summary: 'Revoke the session of a refresh token',
      request: jsonBody(LogoutRequest),
      responses: { 204: { description: 'Signed out' }, ...problems(501) },
    }),
    async (c) => {
      await sessions.logout(c.req.valid('json').refresh_token, origin(c));
      return c.body(null, 204);
    },
  );
}
