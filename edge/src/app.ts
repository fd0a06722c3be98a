/**
 * The edge: Keel's public REST API and real-time stream as one Hono application on web standards only (no Node
 * APIs: it runs as is on Node through @hono/node-server and on Deno / Supabase Edge Functions). Everything from the
 * outside world comes in through `deps` (ports.ts).
 *
 * Every request passes, in order: request id and access log → security headers → CORS (the dashboard's origin
 * only) → per-IP rate limit → body limit and strict JSON → the route. User routes then authenticate (session JWT
 * or API token, with the token's scope and the user's IP allowlist), count against the per-token limit, validate
 * input with the contract's zod schemas, and reach the database only as the user, under row-level security.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { accessTokens } from './auth/access-tokens.ts';
import { authenticate, knownSessionRateLimitKey, requireScope } from './auth/authenticate.ts';
import { invalidateOnWrite } from './cache/invalidate-on-write.ts';
import { bodyLimitMiddleware, strictJsonMiddleware } from './http/body.ts';
import type { AppEnv, EdgeApp } from './http/context.ts';
import { onError, onNotFound } from './http/errors.ts';
import { fieldErrors, validationProblem } from './http/problem.ts';
import { requestContextMiddleware } from './http/request-context.ts';
import { routeKit } from './http/route-kit.ts';
import type { EdgeDeps } from './ports.ts';
import { ipRateLimit } from './rate-limit/middleware.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerApiTokenRoutes } from './routes/api-tokens.ts';
import { registerAuthRoutes } from './routes/auth.ts';
import { registerBacktestRoutes } from './routes/backtests.ts';
import { registerBotRoutes } from './routes/bots.ts';
import { registerCandleRoutes } from './routes/candles.ts';
import { registerCredentialRoutes } from './routes/credentials.ts';
import { registerDecisionRoutes } from './routes/decisions.ts';
import { registerDocsRoutes } from './routes/docs.ts';
import { registerFillRoutes } from './routes/fills.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerIpAllowlistRoutes } from './routes/ip-allowlist.ts';
import { registerModelRoutes } from './routes/models.ts';
import { registerNotificationChannelRoutes } from './routes/notification-channels.ts';
import { registerOrderRoutes } from './routes/orders.ts';
import { registerPlatformRoutes } from './routes/platform.ts';
import { portfolioSnapshotCache, registerPortfolioRoutes } from './routes/portfolio.ts';
import { registerProfileRoutes } from './routes/profile.ts';
import { registerStreamRoutes } from './routes/stream.ts';
import type { StreamStats } from './stream/connection.ts';

export type { EdgeApp } from './http/context.ts';
export type { EdgeDeps } from './ports.ts';

const EXPOSED_HEADERS = ['x-request-id', 'retry-after', 'ratelimit', 'ratelimit-policy'];
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

const streamStatsByApp = new WeakMap<EdgeApp, StreamStats>();

/** Messages the app's streams delivered and slow clients it dropped. */
export function streamStatsOf(app: EdgeApp): StreamStats {
  return streamStatsByApp.get(app) ?? { delivered: 0, dropped: 0 };
}

export function createApp(deps: EdgeDeps): EdgeApp {
  const app: EdgeApp = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success)
        throw validationProblem(fieldErrors(result.error), result.target === 'json' ? 'body' : result.target);
    },
  });
  const { config } = deps;
  const tokens = accessTokens(config.auth, {
    audience: config.jwtAudience,
    ttlSeconds: config.accessTokenTtlSeconds,
    clock: deps.clock,
  });
  const authenticateUser = authenticate(deps, tokens);
  const kit = routeKit(deps, authenticateUser, requireScope);

  app.onError(onError);
  app.notFound(onNotFound);
  app.use('*', requestContextMiddleware(deps));
  // Security headers are on every answer through the request context's header plan (http/response-headers.ts).
  const corsForDashboard = cors({
    origin: (origin) => (config.dashboardOrigin !== null && origin === config.dashboardOrigin ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['authorization', 'content-type', 'x-request-id'],
    exposeHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
  // CORS is a browser's protocol: requests without an Origin (servers, bots, curl) skip it.
  app.use('*', (c, next) => (c.req.header('origin') === undefined ? next() : corsForDashboard(c, next)));
  app.use(
    '*',
    ipRateLimit(deps, config.rateLimits.perIp, 'ip', 'per-IP', { knownPrincipalKey: knownSessionRateLimitKey(tokens) }),
  );
  const portfolioSnapshots = portfolioSnapshotCache(deps);
  // Only requests that carry a body or change something pass these: reads, most of the traffic, skip three calls.
  app.on(
    WRITE_METHODS,
    '*',
    bodyLimitMiddleware(config),
    strictJsonMiddleware(config),
    invalidateOnWrite([portfolioSnapshots]),
  );

  registerHealthRoutes(app, kit);
  registerDocsRoutes(app);
  registerAuthRoutes(app, kit, tokens);
  registerProfileRoutes(app, kit);
  registerCredentialRoutes(app, kit);
  registerBotRoutes(app, kit);
  registerOrderRoutes(app, kit);
  registerFillRoutes(app, kit);
  registerPortfolioRoutes(app, kit, portfolioSnapshots);
  registerCandleRoutes(app, kit);
  registerDecisionRoutes(app, kit);
  registerBacktestRoutes(app, kit);
  registerModelRoutes(app, kit);
  registerNotificationChannelRoutes(app, kit);
  registerApiTokenRoutes(app, kit);
  registerIpAllowlistRoutes(app, kit);
  registerPlatformRoutes(app, kit);
  registerAdminRoutes(app, kit);
  streamStatsByApp.set(app, registerStreamRoutes(app, kit, authenticate(deps, tokens, { allowQueryToken: true })));
  return app;
}
