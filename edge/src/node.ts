/**
 * The edge on Node: @hono/node-server with WebSockets (ws), pino, Redis (ioredis) for rate limits and the stream
 * bus when REDIS_URL is set. This is a runtime entry point: the only file besides deno.ts allowed Node APIs.
 *
 *   startEdge({ database, bus })  — what the one-process `npm start` calls (embedded PGlite is single-process:
 *                                   the worker and the edge share one database handle and an in-process bus)
 *   npm run start:edge            — standalone, against PostgreSQL (DATABASE_URL required)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { type HttpBindings, serve, upgradeWebSocket } from '@hono/node-server';
import {
  createDatabase,
  type Database,
  embeddedServerKeys,
  type Keyring,
  keyringFromEnv,
  transportKeyFromEnv,
} from '@keel/db';
import type { ColdCandleReader } from '@keel/db/cold-tier/cold-candle-reader.ts';
import { coldCandleReaderFor } from '@keel/db/cold-tier/cold-reader-for-store.ts';
import { inProcessBus, redisBus, type StreamBus } from '@keel/realtime';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { WebSocketServer } from 'ws';
import { createApp, type EdgeApp } from './app.ts';
import type { AuthStore } from './auth/auth-store.ts';
import { databaseAuthStore } from './auth/database-auth-store.ts';
import { apiPortFromEnv, authConfigFromEnv, ConfigError, configFromEnv, type EdgeConfig, type Env } from './config.ts';
import { keyTransportFrom } from './key-transport.ts';
import type { ExchangeCheck, FrameBatching, KeyTransport, Logger } from './ports.ts';
import { systemClock } from './ports.ts';
import { memoryRateLimitStore } from './rate-limit/memory-store.ts';
import { redisRateLimitStore } from './rate-limit/redis-store.ts';
import type { RateLimitStore } from './rate-limit/store.ts';

const JWT_SECRET_FILE = 'jwt-secret';
const JWT_SECRET_BYTES = 48;
/** Largest WebSocket frame a client may send (clients only send pings). */
const MAX_CLIENT_FRAME_BYTES = 4096;
const STDOUT = 1;
/** Log lines are written in batches of about this many bytes… */
const LOG_BUFFER_BYTES = 4096;
/** …or after this long, whichever comes first: a quiet edge's lines still show at once for a person watching. */
const LOG_FLUSH_MS = 100;

/** The JWT secret of an embedded install: JWT_SECRET if set, else made once and kept beside the database. */
function embeddedJwtSecret(env: Env, keysDir: string): string {
  const configured = env.KEEL_JWT_SECRET || env.JWT_SECRET;
  if (configured) return configured;
  const path = join(keysDir, JWT_SECRET_FILE);
  if (!existsSync(path)) {
    mkdirSync(keysDir, { recursive: true });
    const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(JWT_SECRET_BYTES))).toString('base64url');
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(path, 'utf8').trim();
}

/**
 * The edge's pino logger. Lines are buffered and written together, once LOG_BUFFER_BYTES are pending or after
 * LOG_FLUSH_MS, instead of one write per line: a busy edge logs a line per request, and a system call per line
 * cost it more than making the line (measured: about half). Pending lines are written when the process exits.
 */
export function edgeLogger(options: { level?: string; destination?: string | number } = {}): Logger {
  const destination = pino.destination({
    dest: options.destination ?? STDOUT,
    // Synchronous writes of whole batches: cheaper for the process than handing each batch to a thread.
    sync: true,
    minLength: LOG_BUFFER_BYTES,
    periodicFlush: LOG_FLUSH_MS,
  });
  process.once('exit', () => destination.flushSync());
  return pino({ name: 'keel-edge', level: options.level ?? 'info' }, destination);
}

/**
 * Frame batching for the server's WebSockets: their TCP socket corked and uncorked. The socket comes from the
 * upgrade request ws announces with 'connection' (public API; ws keeps its own reference private).
 */
function tcpFrameBatching(server: WebSocketServer): (rawWebSocket: unknown) => FrameBatching | null {
  const sockets = new WeakMap<object, Socket>();
  server.on('connection', (webSocket, request) => sockets.set(webSocket, request.socket));
  return (rawWebSocket) => {
    const socket = typeof rawWebSocket === 'object' && rawWebSocket !== null ? sockets.get(rawWebSocket) : undefined;
    if (socket === undefined) return null;
    return { hold: () => socket.cork(), release: () => socket.uncork() };
  };
}

export interface StartEdgeOptions {
  database: Database;
  bus: StreamBus;
  env?: Env;
  /** Default API_PORT, else 8787; 0 picks a free port. */
  port?: number;
  hostname?: string;
  /**
   * Embedded mode: where the server keys live (exchange-key encryption, and the JWT secret when JWT_SECRET is
   * unset), usually the database folder. Without it, keys come from the environment (KEEL_MASTER_KEY,
   * KEEL_TRANSPORT_PRIVATE_KEY, JWT_SECRET).
   */
  keysDir?: string;
  config?: Partial<EdgeConfig>;
  rateLimitStore?: RateLimitStore;
  /** Default: the database's (passwords and sessions survive a restart). */
  authStore?: AuthStore;
  keyTransport?: KeyTransport;
  /**
   * POST /v1/credentials/{id}/test, made with the master keyring resolved here (the caller passes the worker's
   * ccxt path: credentialChecker in worker/src/exchange/credential-check.ts). Without it the route says unavailable.
   */
  exchangeCheckWith?: (keyring: Keyring) => ExchangeCheck;
  logger?: Logger;
  /** Default: config.coldStore's reader (INFLUX_URL), or none. */
  coldCandles?: ColdCandleReader;
}

export interface RunningEdge {
  app: EdgeApp;
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startEdge(options: StartEdgeOptions): Promise<RunningEdge> {
  const env = options.env ?? process.env;
  const logger: Logger = options.logger ?? edgeLogger({ level: env.LOG_LEVEL ?? 'info' });
  const auth =
    options.config?.auth ??
    (options.keysDir !== undefined && !env.SUPABASE_URL
      ? { mode: 'self-hosted' as const, jwtSecret: embeddedJwtSecret(env, options.keysDir) }
      : authConfigFromEnv(env));
  const config = configFromEnv(env, { ...options.config, auth });
  let keyTransport = options.keyTransport;
  let exchangeCheck: ExchangeCheck | undefined;
  if (keyTransport === undefined) {
    const keys =
      options.keysDir !== undefined
        ? await embeddedServerKeys(options.keysDir)
        : {
            keyring: keyringFromEnv(env as NodeJS.ProcessEnv),
            transportKey: transportKeyFromEnv(env as NodeJS.ProcessEnv),
          };
    keyTransport = keyTransportFrom(keys.keyring, keys.transportKey);
    exchangeCheck = options.exchangeCheckWith?.(keys.keyring);
  }
  const owned: (() => Promise<unknown>)[] = [];
  let rateLimitStore = options.rateLimitStore;
  if (rateLimitStore === undefined && env.REDIS_URL) {
    // Auto-pipelining: the rate-limit checks of concurrent requests leave in one write instead of one each.
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2, enableAutoPipelining: true });
    redis.on('error', (error) => logger.warn({ err: error }, 'redis (rate limits) unavailable'));
    owned.push(() => redis.quit());
    rateLimitStore = redisRateLimitStore(redis);
  }
  const coldCandles = options.coldCandles ?? (config.coldStore ? coldCandleReaderFor(config.coldStore) : undefined);
  const webSockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES });
  const frameBatchingOf = tcpFrameBatching(webSockets);
  const app = createApp({
    database: options.database,
    bus: options.bus,
    rateLimitStore: rateLimitStore ?? memoryRateLimitStore(),
    authStore: options.authStore ?? databaseAuthStore(options.database),
    clock: systemClock,
    config,
    logger,
    keyTransport,
    ...(exchangeCheck === undefined ? {} : { exchangeCheck }),
    ...(coldCandles === undefined ? {} : { coldCandles }),
    upgradeWebSocket: upgradeWebSocket as never,
    frameBatchingOf,
    remoteAddress: (_request, bindings) => (bindings as HttpBindings | undefined)?.incoming?.socket?.remoteAddress,
  });
  const port = options.port ?? apiPortFromEnv(env);
  const hostname = options.hostname ?? env.API_HOST ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port, hostname, websocket: { server: webSockets } }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${address.port}`;
  logger.info(
    {
      url,
      auth: config.auth.mode,
      redis: Boolean(env.REDIS_URL),
      coldTier: config.coldStore ? `${new URL(config.coldStore.url).origin} (${config.coldStore.queryApi})` : 'off',
    },
    'edge listening',
  );
  return {
    app,
    url,
    port: address.port,
    async close() {
      for (const client of webSockets.clients) client.terminate();
      webSockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled(owned.map((close) => close()));
    },
  };
}

/** `npm run start:edge`: the edge alone, against PostgreSQL/Supabase; Redis carries the worker's stream. */
async function main(): Promise<void> {
  const env = process.env;
  if (!env.DATABASE_URL) {
    console.error(
      'DATABASE_URL is not set: the standalone edge needs PostgreSQL (the embedded database is opened by `npm start`, ' +
        'which runs the edge in the same process as the worker).',
    );
    process.exitCode = 1;
    return;
  }
  const database = await createDatabase({ url: env.DATABASE_URL });
  const logger = edgeLogger({ level: env.LOG_LEVEL ?? 'info' });
  const bus = env.REDIS_URL
    ? redisBus({
        url: env.REDIS_URL,
        // Messages this edge never got (a gap in a publisher's sequence), or an entry that is not a bus message.
        onHandlerError: (error) => logger.warn({ error: String(error) }, 'stream bus: delivery problem'),
      })
    : inProcessBus();
  let edge: RunningEdge;
  try {
    await database.migrate();
    if (!env.REDIS_URL) console.warn('REDIS_URL is not set: the stream carries nothing from a separate worker process');
    edge = await startEdge({ database, bus, logger, hostname: env.API_HOST ?? '0.0.0.0' });
  } catch (error) {
    await Promise.allSettled([bus.close(), database.close()]);
    // Configuration mistakes are one clear line; anything else keeps its stack for the operator.
    if (error instanceof ConfigError || (error as Error).name === 'KeyringError')
      console.error((error as Error).message);
    else console.error(error);
    process.exitCode = 1;
    return;
  }
  const stop = async () => {
    await edge.close();
    await bus.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.main) await main();
