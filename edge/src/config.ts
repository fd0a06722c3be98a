/**
 * The edge's configuration, from environment variables (a plain record, so Node's process.env and Deno.env both
 * fit). Every variable is documented in the README's Configuration table and in .env.example.
 */
import {
  type ColdStoreSettings,
  ColdTierConfigError,
  coldStoreFromEnv,
} from '@keel/db/cold-tier/cold-store-settings.ts';

export type AuthConfig =
  | {
      /** Keel signs its own access tokens (HS256, the project's JWT secret) and keeps accounts itself. */
      mode: 'self-hosted';
      jwtSecret: string;
    }
  | {
      /** Supabase Auth issues the tokens; the edge verifies them (JWKS, or the project's JWT secret). */
      mode: 'supabase';
      supabaseUrl: string;
      /** SUPABASE_JWT_SECRET: verify HS256 tokens with it (older projects); JWKS is used for the rest. */
      jwtSecret: string | null;
    };

export interface RateLimitConfig {
  /** Requests per window from one IP address, signed in or not (0: no limit). */
  perIp: number;
  /** Requests per window for one API token, or one signed-in user's sessions (0: no limit). */
  perPrincipal: number;
  /** Sign-up, login and refresh attempts per window from one IP address: brute-force protection. */
  authPerIp: number;
  windowMs: number;
}

export interface EdgeConfig {
  auth: AuthConfig;
  /** The `aud` claim access tokens carry and must carry (Supabase's value). */
  jwtAudience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** scrypt cost as log2(N) (N = 2^cost, r = 8, p = 1): 15 = 32 MiB per hash. Lower only in tests. */
  passwordCost: number;
  /** The one origin allowed to call the API from a browser (CORS); null: no cross-origin browser access. */
  dashboardOrigin: string | null;
  rateLimits: RateLimitConfig;
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes: number;
  /** Deepest JSON nesting accepted in a body. */
  maxJsonDepth: number;
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean;
  /** TELEGRAM_BOT_USERNAME: the Keel bot users link their chat with (shown with a link code); null: not set. */
  telegramBotUsername: string | null;
  /**
   * GET /v1/portfolio's per-user snapshot cache (cache/user-snapshot-cache.ts): an answer is served for at most
   * ttlMs after its read started, or until the worker publishes a change; 0 turns the cache off.
   */
  portfolioCache: { ttlMs: number; maxUsers: number };
  /**
   * The cold tier the worker writes candles to (INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET, INFLUX_QUERY_API):
   * GET /v1/candles reads what is older than the warm tier from it. Null: no cold tier, the warm tier only.
   */
  coldStore: ColdStoreSettings | null;
  stream: {
    /** A WebSocket whose unsent data exceeds this is a slow client: it is closed, never buffered further. */
    maxBufferedBytes: number;
    /** Open streams per user; the next one is refused. */
    maxConnectionsPerUser: number;
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_API_PORT = 8787;
const MIN_JWT_SECRET_LENGTH = 32;
const MINUTE_MS = 60_000;

export const DEFAULTS = {
  jwtAudience: 'authenticated',
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlSeconds: 30 * 24 * 60 * 60,
  passwordCost: 15,
  rateLimits: { perIp: 600, perPrincipal: 1200, authPerIp: 20, windowMs: MINUTE_MS },
  bodyLimitBytes: 64 * 1024,
  maxJsonDepth: 32,
  portfolioCache: { ttlMs: 1000, maxUsers: 10_000 },
  stream: { maxBufferedBytes: 1024 * 1024, maxConnectionsPerUser: 20 },
} as const;

function integer(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new ConfigError(`${name} must be a whole number ≥ ${min}, got "${raw}"`);
  return value;
}

function origin(env: Env, name: string): string | null {
  const raw = env[name];
  if (!raw) return null;
  try {
    const url = new URL(raw);
    if (url.origin === 'null') throw new Error();
    return url.origin;
  } catch {
    throw new ConfigError(`${name} must be an origin such as https://app.example.com, got "${raw}"`);
  }
}

export function authConfigFromEnv(env: Env): AuthConfig {
  const supabaseUrl = env.SUPABASE_URL;
  if (supabaseUrl) {
    try {
      new URL(supabaseUrl);
    } catch {
      throw new ConfigError(`SUPABASE_URL must be a URL such as https://xyz.supabase.co, got "${supabaseUrl}"`);
    }
    return {
      mode: 'supabase',
      supabaseUrl: supabaseUrl.replace(/\/+$/, ''),
      jwtSecret: env.SUPABASE_JWT_SECRET || null,
    };
  }
  const jwtSecret = env.KEEL_JWT_SECRET || env.JWT_SECRET;
  if (!jwtSecret) {
    throw new ConfigError(
      'JWT_SECRET (or KEEL_JWT_SECRET) is not set: self-hosted auth signs access tokens with it. ' +
        'Make one with `openssl rand -base64 48`, or set SUPABASE_URL to use Supabase Auth.',
    );
  }
  if (jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new ConfigError(`JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters`);
  }
  return { mode: 'self-hosted', jwtSecret };
}

/** The whole configuration; `overrides` replace what the environment says (tests, embedded mode). */
export function configFromEnv(env: Env, overrides: Partial<EdgeConfig> = {}): EdgeConfig {
  return {
    auth: overrides.auth ?? authConfigFromEnv(env),
    jwtAudience: DEFAULTS.jwtAudience,
    accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL_SECONDS', DEFAULTS.accessTokenTtlSeconds, 30),
    refreshTokenTtlSeconds: integer(env, 'REFRESH_TOKEN_TTL_SECONDS', DEFAULTS.refreshTokenTtlSeconds, 60),
    passwordCost: integer(env, 'PASSWORD_SCRYPT_COST', DEFAULTS.passwordCost, 10),
    dashboardOrigin: origin(env, 'DASHBOARD_ORIGIN'),
    rateLimits: {
      perIp: integer(env, 'RATE_LIMIT_PER_IP', DEFAULTS.rateLimits.perIp),
      perPrincipal: integer(env, 'RATE_LIMIT_PER_TOKEN', DEFAULTS.rateLimits.perPrincipal),
      authPerIp: integer(env, 'RATE_LIMIT_AUTH_PER_IP', DEFAULTS.rateLimits.authPerIp),
      windowMs: integer(env, 'RATE_LIMIT_WINDOW_MS', DEFAULTS.rateLimits.windowMs, 1000),
    },
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', DEFAULTS.bodyLimitBytes, 1024),
    maxJsonDepth: DEFAULTS.maxJsonDepth,
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    telegramBotUsername: env.TELEGRAM_BOT_USERNAME?.replace(/^@/, '') || null,
    portfolioCache: {
      ttlMs: integer(env, 'PORTFOLIO_CACHE_TTL_MS', DEFAULTS.portfolioCache.ttlMs),
      maxUsers: DEFAULTS.portfolioCache.maxUsers,
    },
    coldStore: overrides.coldStore === undefined ? coldStoreOf(env) : overrides.coldStore,
    stream: { ...DEFAULTS.stream },
    ...overrides,
  };
}

function coldStoreOf(env: Env): ColdStoreSettings | null {
  try {
    return coldStoreFromEnv(env);
  } catch (error) {
    if (error instanceof ColdTierConfigError) throw new ConfigError(error.message);
    throw error;
  }
}

export function apiPortFromEnv(env: Env): number {
  return integer(env, 'API_PORT', DEFAULT_API_PORT, 1);
}
