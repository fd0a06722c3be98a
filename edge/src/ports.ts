/**
 * What the edge app needs from the outside world, injected by the runtime entry point (node.ts, deno.ts) or a
 * test. The app itself uses web standards only: these ports are where Node, Deno, Redis and PostgreSQL come in.
 */
import type { Database, JwtClaims, SealedExchangeCredential, TransportEnvelope, TransportPublicKey } from '@keel/db';
import type { ColdCandleReader } from '@keel/db/cold-tier/cold-candle-reader.ts';
import type { StreamBus } from '@keel/realtime';
import type { UpgradeWebSocket } from 'hono/ws';
import type { AuthStore } from './auth/auth-store.ts';
import type { EdgeConfig } from './config.ts';
import type { RateLimitStore } from './rate-limit/store.ts';

/** pino's calling convention (object first, then message), so pino itself satisfies it. */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
  child(bindings: object): Logger;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The browser → server encryption of exchange keys (see @keel/db secrets/transport.ts). */
export interface KeyTransport {
  /** Handed to the dashboard, which encrypts exchange secrets to it. */
  publicKey: TransportPublicKey;
  /** Decrypts the browser's envelope and seals the keys for storage, in one step: the plaintext stays inside. */
  seal(userId: string, envelope: TransportEnvelope): Promise<SealedExchangeCredential>;
}

/** A stored exchange key tried against its exchange (the worker's ccxt path: worker/src/exchange/credential-check.ts). */
export interface ExchangeCheck {
  /** Opens the credential's key in memory and asks the exchange for the balance; never throws, never echoes keys. */
  test(credentialId: string): Promise<ExchangeCheckResult>;
}

export type ExchangeCheckResult =
  | { ok: true }
  | {
      ok: false;
      kind: 'auth' | 'rate-limited' | 'retryable' | 'rejected' | 'insufficient-funds' | 'unavailable';
      message: string;
    };

export interface EdgeDeps {
  database: Database;
  rateLimitStore: RateLimitStore;
  bus: StreamBus;
  /** Self-hosted accounts and refresh tokens (unused in Supabase mode). */
  authStore: AuthStore;
  clock: Clock;
  config: EdgeConfig;
  logger: Logger;
  keyTransport: KeyTransport;
  /** Candles older than the warm tier, for GET /v1/candles (INFLUX_URL); without it charts read the warm tier only. */
  coldCandles?: ColdCandleReader;
  /** POST /v1/credentials/{id}/test; without it the route answers `unavailable`. */
  exchangeCheck?: ExchangeCheck;
  /** The runtime's WebSocket upgrade (@hono/node-server's or hono/deno's); without it /v1/stream answers 501. */
  upgradeWebSocket?: UpgradeWebSocket<unknown>;
  /** The peer address of a request as the runtime sees it (behind a trusted proxy, config.trustProxy decides). */
  remoteAddress?: (request: Request, env: unknown) => string | undefined;
  /** How to hold a WebSocket's frames back and send them in one write, where the runtime can (node.ts). */
  frameBatchingOf?: (rawWebSocket: unknown) => FrameBatching | null;
  /** Fixed `version` for /v1/health. */
  version?: string;
}

/**
 * A socket's writes held back (`hold`) and sent together (`release`): frames sent in between leave in one write
 * call instead of one each. Calls nest (Node's cork/uncork).
 */
export interface FrameBatching {
  hold(): void;
  release(): void;
}

export type { JwtClaims };

export const systemClock: Clock = { now: () => Date.now() };

/** A logger that writes nothing (tests). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
