/** The stream bus's Redis connections, and how it tells that the server it talks to restarted. */
import { Redis } from 'ioredis';

/** Reconnect attempts back off to this: after an outage the bus is talking again within this of Redis answering. */
const MAX_RECONNECT_DELAY_MS = 250;
const RECONNECT_STEP_MS = 50;

/**
 * A connection that fails a command at once while Redis is unreachable and never sends one again by itself: the
 * bus decides what to resend and in which order (ioredis's own resend could put a later message before an earlier).
 */
export function streamBusConnection(url: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    // 0: a command in flight when the connection drops fails on that drop, not after reconnect attempts.
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * RECONNECT_STEP_MS, MAX_RECONNECT_DELAY_MS),
  });
  // ioredis re-emits connection errors; the bus sees them as failed commands and reports through health().
  redis.on('error', () => {});
  return redis;
}

/** The server's run id (INFO server): a new one after every restart, so a changed one means "restarted". */
export async function serverRunId(redis: Redis): Promise<string> {
  const info = await redis.info('server');
  const match = /^run_id:(\w+)/m.exec(info);
  if (match === null) throw new Error('INFO server has no run_id');
  return match[1] as string;
}

/** One pending "ready (or ended)" per connection, however many callers wait on it: no listener per caller. */
const nextReadyOf = new WeakMap<Redis, Promise<void>>();

function nextReady(redis: Redis): Promise<void> {
  let pending = nextReadyOf.get(redis);
  if (pending === undefined) {
    pending = new Promise<void>((resolve) => {
      const done = () => {
        redis.off('ready', done);
        redis.off('end', done);
        nextReadyOf.delete(redis);
        resolve();
      };
      redis.once('ready', done);
      redis.once('end', done);
    });
    nextReadyOf.set(redis, pending);
  }
  return pending;
}

/**
 * Resolves when a failed command is worth trying again: once the connection is back, or after `maxWaitMs`. A
 * command that failed on a ready connection (Redis refused it) waits the whole `maxWaitMs`: no tight retry loop.
 */
export function beforeRetry(redis: Redis, maxWaitMs: number): Promise<void> {
  // Unref'd: a wait never keeps a process alive on its own (an open or reconnecting connection does).
  const waited = new Promise<void>((resolve) => setTimeout(resolve, maxWaitMs).unref());
  return redis.status === 'ready' ? waited : Promise.race([nextReady(redis), waited]);
}
