/**
 * The worker's user-data streams, one per exchange key (credential) whatever the number of bots on it: a stream is
 * opened with its first bot and closed with its last. Whether there is one at all (userDataStreamChoice):
 * KEEL_USER_DATA_STREAM=on (default) or off, where ccxt.pro can watch the exchange's orders, and — as for the market
 * streams — an exchange whose REST API was moved (KEEL_EXCHANGE_URL_<X>) streams only if its websocket was moved too
 * (KEEL_EXCHANGE_WS_URL_<X>): the stream must report on the account the orders are sent to.
 */
import type { Database } from '@keel/db';
import type { Logger } from '../logger.ts';
import { exchangeWsUrlOverride, proClientClass } from '../market/ccxt-pro-client.ts';
import type { WorkerMetrics } from '../observability/metrics.ts';
import type { VenueSettings } from './bot-venue.ts';
import { exchangeUrlOverride } from './exchange-url.ts';
import { openUserDataClient } from './user-data-client.ts';
import { UserDataStream } from './user-data-stream.ts';

export type UserDataStreamChoice = { enabled: true } | { enabled: false; reason: string };

export function userDataStreamChoice(exchangeId: string, env: NodeJS.ProcessEnv = process.env): UserDataStreamChoice {
  const setting = (env.KEEL_USER_DATA_STREAM ?? 'on').trim().toLowerCase();
  if (setting !== 'on' && setting !== 'off' && setting !== '') {
    throw new Error(`KEEL_USER_DATA_STREAM must be on or off, got "${env.KEEL_USER_DATA_STREAM}"`);
  }
  if (setting === 'off') return { enabled: false, reason: 'KEEL_USER_DATA_STREAM=off' };
  const clientClass = proClientClass(exchangeId);
  if (clientClass === undefined || new clientClass({}).has.watchOrders !== true) {
    return { enabled: false, reason: `ccxt.pro cannot watch ${exchangeId} orders` };
  }
  const variable = exchangeId.toUpperCase();
  if (exchangeUrlOverride(exchangeId, env) !== undefined && exchangeWsUrlOverride(exchangeId, env) === undefined) {
    return {
      enabled: false,
      reason: `KEEL_EXCHANGE_URL_${variable} moves the REST API and no KEEL_EXCHANGE_WS_URL_${variable} moves the websocket`,
    };
  }
  return { enabled: true };
}

export interface UserDataStreamsOptions {
  database: Database;
  venue: VenueSettings;
  logger: Logger;
  metrics?: WorkerMetrics | null;
  /** Reconnect backoff (user-data-stream.ts defaults). */
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
}

export class UserDataStreams {
  private readonly options: UserDataStreamsOptions;
  private readonly streams = new Map<string, UserDataStream>();

  constructor(options: UserDataStreamsOptions) {
    this.options = options;
  }

  /** The key's stream; subscribe to it to start it (user-data-stream.ts). */
  forCredential(credentialId: string, exchangeId: string): UserDataStream {
    let stream = this.streams.get(credentialId);
    if (stream === undefined || stream.isClosed) {
      const { database, venue, logger, metrics } = this.options;
      stream = new UserDataStream({
        exchangeId,
        connect: () => openUserDataClient(database, venue, credentialId),
        logger,
        onState: (from, to) => {
          if (from !== null) metrics?.userDataStreams.dec({ exchange: exchangeId, state: from });
          if (to !== null) metrics?.userDataStreams.inc({ exchange: exchangeId, state: to });
        },
        onUpdates: (count) => metrics?.userDataEvents.inc({ exchange: exchangeId }, count),
        onClosed: () => {
          if (this.streams.get(credentialId) === stream) this.streams.delete(credentialId);
        },
        ...(this.options.reconnectBaseMs === undefined ? {} : { reconnectBaseMs: this.options.reconnectBaseMs }),
        ...(this.options.reconnectMaxMs === undefined ? {} : { reconnectMaxMs: this.options.reconnectMaxMs }),
      });
      this.streams.set(credentialId, stream);
    }
    return stream;
  }

  /** Closes every stream (the worker stops). */
  async close(): Promise<void> {
    await Promise.all([...this.streams.values()].map((stream) => stream.close()));
  }
}
