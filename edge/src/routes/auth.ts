/**
 * /v1/auth/*: self-hosted accounts (signup, login, refresh, logout), answering like Supabase Auth. In Supabase mode
 * the dashboard signs in with supabase-js and these answer 501: there is one sign-in authority per deployment.
 */
import { createRoute } from '@hono/zod-openapi';
import {
  LoginRequest,
  LogoutRequest,
  PasswordChangeRequest,
  RefreshRequest,
  SignupRequest,
  TokenResponse,
} from '@keel/contract';
import type { AccessTokens } from '../auth/access-tokens.ts';
import { AccountExistsError, selfHostedSessions, WrongPasswordError } from '../auth/sessions.ts';
import type { AppContext, EdgeApp } from '../http/context.ts';
import { conflict, forbidden, ProblemError } from '../http/problem.ts';
import { jsonAnswer } from '../http/response-headers.ts';
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
        return jsonAnswer(c, await sessions.signup(c.req.valid('json'), origin(c)), 200);
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
    async (c) => jsonAnswer(c, await sessions.login(c.req.valid('json'), origin(c)), 200),
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
    async (c) => jsonAnswer(c, await sessions.refresh(c.req.valid('json').refresh_token, origin(c)), 200),
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

  app.openapi(
    createRoute({
      tags: ['auth'],
      method: 'post',
      path: '/v1/auth/password',
      summary: 'Change your password (self-hosted mode)',
      description:
        'Needs a session (not an API token) and the current password. Every session of the account is signed out; ' +
        'the answer is a new one.',
      security: [{ bearerAuth: [] }],
      middleware: [selfHostedOnly, limit, ...kit.secured('admin')],
      request: jsonBody(PasswordChangeRequest),
      responses: { 200: json(TokenResponse, 'Changed: a new session'), ...problems(401, 403, 501) },
    }),
    async (c) => {
      const principal = c.get('principal');
      if (principal.via !== 'session') throw forbidden('an API token cannot change the password: sign in');
      const body = c.req.valid('json');
      try {
        const session = await sessions.changePassword(
          { userId: principal.userId, currentPassword: body.current_password, newPassword: body.new_password },
          origin(c),
        );
        return jsonAnswer(c, session, 200);
      } catch (error) {
        if (error instanceof WrongPasswordError) throw forbidden(error.message);
        throw error;
      }
    },
  );
}
