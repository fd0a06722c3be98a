/**
 * The edge under test: the real app over a real database (PostgreSQL when DATABASE_URL is set, as under `npm test`;
 * in-memory PGlite otherwise), in-memory rate limits and bus unless a test brings its own, a clock tests can move.
 */
import { randomUUID } from 'node:crypto';
import {
  createDatabase,
  type Database,
  generateTransportKeyPair,
  keyringFromKeys,
  type TransportPublicKey,
} from '@keel/db';
import { inProcessBus } from '@keel/realtime';
import { suiteDatabaseUrl } from '../../packages/db/test/test-database.ts';
import { createApp, type EdgeApp, type EdgeDeps } from '../src/app.ts';
import { memoryAuthStore } from '../src/auth/memory-auth-store.ts';
import { configFromEnv, type EdgeConfig } from '../src/config.ts';
import { keyTransportFrom } from '../src/key-transport.ts';
import { silentLogger } from '../src/ports.ts';
import { memoryRateLimitStore } from '../src/rate-limit/memory-store.ts';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
export const databaseRequired = process.env.KEEL_REQUIRE_DATABASE === '1';

let shared: Promise<Database> | null = null;

/** One migrated database per test file (the edge database is shared by concurrent files: every account is fresh). */
export function testDatabase(): Promise<Database> {
  shared ??= (async () => {
    const serverUrl = process.env.DATABASE_URL;
    if (!serverUrl && databaseRequired) {
      throw new Error('DATABASE_URL is not set: npm test starts PostgreSQL (scripts/services.sh)');
    }
    const url = serverUrl ? await edgeDatabaseUrl(serverUrl) : undefined;
    const db = await createDatabase(url ? { url, maxConnections: 5 } : { pglite: {} });
    await db.migrate();
    return db;
  })();
  return shared;
}

export async function closeTestDatabase(): Promise<void> {
  if (shared) await (await shared).close();
  shared = null;
}

export class TestClock {
  nowMs = Date.now();
  now = () => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

export interface Harness {
  app: EdgeApp;
  deps: EdgeDeps;
  clock: TestClock;
  transportPublicKey: TransportPublicKey;
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (for malformed bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
  ip?: string;
}

export async function harness(
  overrides: Omit<Partial<EdgeDeps>, 'config'> & { config?: Partial<EdgeConfig> } = {},
): Promise<Harness> {
  const database = overrides.database ?? (await testDatabase());
  const clock = new TestClock();
  const { publicKey, privateKey } = await generateTransportKeyPair('test-transport');
  const { config: configOverrides, ...depOverrides } = overrides;
  const deps: EdgeDeps = {
    database,
    rateLimitStore: memoryRateLimitStore(),
    bus: inProcessBus(),
    authStore: memoryAuthStore(),
    clock,
    config: configFromEnv(
      { JWT_SECRET: TEST_JWT_SECRET, PASSWORD_SCRYPT_COST: '10', DASHBOARD_ORIGIN: 'https://app.keel.test' },
      { rateLimits: { perIp: 0, perPrincipal: 0, authPerIp: 0, windowMs: 60_000 }, ...configOverrides },
    ),
    logger: silentLogger,
    keyTransport: keyTransportFrom(keyringFromKeys({ id: 'k1', key: Buffer.alloc(32, 7) }), privateKey),
    remoteAddress: (request) => request.headers.get('x-test-peer') ?? '127.0.0.1',
    ...depOverrides,
  };
  const app = createApp(deps);
  return {
    app,
    deps,
    clock,
    transportPublicKey: publicKey,
    request(method, path, options = {}) {
      const headers = new Headers(options.headers);
      if (options.token) headers.set('authorization', `Bearer ${options.token}`);
      if (options.ip) headers.set('x-test-peer', options.ip);
      let body: string | undefined;
      if (options.rawBody !== undefined) body = options.rawBody;
      else if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      }
      return Promise.resolve(app.request(path, { method, headers, ...(body === undefined ? {} : { body }) }));
    },
  };
}

export interface TestUser {
  userId: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
}

export async function signUp(h: Harness, label = 'user'): Promise<TestUser> {
  const email = `${label}-${randomUUID()}@edge.test`;
  const password = 'correct horse battery staple';
  const response = await h.request('POST', '/v1/auth/signup', { body: { email, password } });
  if (response.status !== 200) throw new Error(`signup: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { access_token: string; refresh_token: string; user: { id: string } };
  return { userId: body.user.id, email, password, token: body.access_token, refreshToken: body.refresh_token };
}

export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** The edge suites' own database on the server of DATABASE_URL (`<name>_edge`). */
export const edgeDatabaseUrl = (url: string): Promise<string> => suiteDatabaseUrl(url, 'edge');
