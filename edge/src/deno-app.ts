/**
 * The edge app as a Deno process builds it — edge/src/deno.ts and the Supabase Edge Function
 * (supabase/functions/api) — from the database and the environment: hono/deno's WebSocket upgrade, JSON log
 * lines on stdout, an in-process bus and rate-limit store (a Redis store plugs in through the same ports), and the
 * cold tier's reader when INFLUX_URL is set.
 */
import type { Database } from '@keel/db';
import { keyringFromEnv, transportKeyFromEnv } from '@keel/db';
import { coldCandleReaderFor } from '@keel/db/cold-tier/cold-reader-for-store.ts';
import { inProcessBus } from '@keel/realtime';
import { upgradeWebSocket } from 'hono/deno';
import { createApp } from './app.ts';
import { databaseAuthStore } from './auth/database-auth-store.ts';
import { configFromEnv } from './config.ts';
import { keyTransportFrom } from './key-transport.ts';
import { type Logger, systemClock } from './ports.ts';
import { memoryRateLimitStore } from './rate-limit/memory-store.ts';

/** JSON lines on stdout, pino's shape (Supabase's function logs keep stdout). */
export function consoleLogger(bindings: object = {}): Logger {
  const write = (level: string) => (fields: object, message?: string) =>
    console.log(JSON.stringify({ level, time: Date.now(), ...bindings, ...fields, msg: message }));
  return {
    debug: () => {},
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => consoleLogger({ ...bindings, ...more }),
  };
}

/** `runtime` names the host in every log line ('deno', 'supabase-edge-function'). */
export function denoApp(database: Database, env: Record<string, string>, runtime: string) {
  const config = configFromEnv(env);
  return createApp({
    database,
    bus: inProcessBus(),
    rateLimitStore: memoryRateLimitStore(),
    authStore: databaseAuthStore(database),
    clock: systemClock,
    config,
    // The InfluxDB client's `deno` export is its fetch build: no node:http here.
    ...(config.coldStore ? { coldCandles: coldCandleReaderFor(config.coldStore) } : {}),
    logger: consoleLogger({ name: 'keel-edge', runtime }),
    keyTransport: keyTransportFrom(keyringFromEnv(env), transportKeyFromEnv(env)),
    upgradeWebSocket: upgradeWebSocket as never,
    remoteAddress: (_request, bindings) =>
      (bindings as { remoteAddr?: { hostname: string } } | undefined)?.remoteAddr?.hostname,
  });
}
