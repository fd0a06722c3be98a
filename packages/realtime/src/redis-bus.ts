/**
 * The bus between processes: one Redis stream (`keel:stream`), every user's messages in it, each entry naming its
 * user. Unlike pub/sub, a stream keeps what it was given, so neither side loses messages to a dropped connection:
 * - publishing (redis-stream-writer.ts): messages wait in a bounded outbox while Redis is unreachable and go out in
 *   order, many to a stream entry, when it answers; past the bound the oldest are dropped, counted and reported
 *   through onDrop;
 * - subscribing (redis-stream-reader.ts): one XREAD loop per process on its own connection resumes where it left
 *   off, reads a restarted Redis's new stream from its start, and delivers each entry once to its user's handlers.
 * Why one stream and not one per user: a reader blocks on one key however many users it serves, and a user's
 * first message needs no subscription round trip. Every edge reads every user's messages; at Keel's rates (a few
 * thousand a second) that is cheaper than the per-user bookkeeping it would save.
 */
import { randomUUID } from 'node:crypto';
import { Outbox } from './outbox.ts';
import { streamBusConnection } from './redis-connection.ts';
import { streamReader } from './redis-stream-reader.ts';
import { streamWriter } from './redis-stream-writer.ts';
import { type StreamBus, StreamMessageDroppedError, serializeForPublish } from './stream-bus.ts';

export interface RedisBusOptions {
  /** redis://host:port/db */
  url: string;
  /** The stream's key (default "keel:stream"). */
  streamKey?: string;
  /** Messages kept while Redis is unreachable, sent ones awaiting resend included (default 100,000). */
  maxQueuedMessages?: number;
  /** Messages the stream keeps at most (default 100,000): how far a reader may fall behind (~10 s at 10 k/s). */
  maxStreamLength?: number;
  /** How long a sent message is kept to send again if Redis restarts empty before readers read it (default 5 s). */
  resendWindowMs?: number;
  /** How long close() waits for queued messages to reach Redis (default 2 s). */
  closeTimeoutMs?: number;
  /** Called at most once a second with how many messages were dropped since the last call (queue bound, close). */
  onDrop?: (dropped: number) => void;
  /** Where a throwing subscriber's error, or a malformed stream entry, goes (default: dropped). */
  onHandlerError?: (error: unknown) => void;
}

export const DEFAULT_STREAM_KEY = 'keel:stream';
const DEFAULT_MAX_QUEUED_MESSAGES = 100_000;
const DEFAULT_MAX_STREAM_LENGTH = 100_000;
const DEFAULT_RESEND_WINDOW_MS = 5_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 2_000;
const DROP_REPORT_INTERVAL_MS = 1_000;

export function redisBus(options: RedisBusOptions): StreamBus {
  const streamKey = options.streamKey ?? DEFAULT_STREAM_KEY;
  const onDrop = options.onDrop ?? (() => {});
  const outbox = new Outbox({
    maxMessages: options.maxQueuedMessages ?? DEFAULT_MAX_QUEUED_MESSAGES,
    retainMs: options.resendWindowMs ?? DEFAULT_RESEND_WINDOW_MS,
  });
  const publisher = streamBusConnection(options.url);
  const subscriber = streamBusConnection(options.url);
  const writer = streamWriter({
    redis: publisher,
    streamKey,
    maxStreamLength: options.maxStreamLength ?? DEFAULT_MAX_STREAM_LENGTH,
    publisherId: randomUUID(),
    outbox,
  });
  const reader = streamReader({
    reader: subscriber,
    commands: publisher,
    streamKey,
    onError: options.onHandlerError ?? (() => {}),
  });
  let closed = false;
  let dropReport: ReturnType<typeof setTimeout> | null = null;

  function reportDrops(): void {
    dropReport = null;
    const dropped = outbox.takeDroppedCount();
    if (dropped > 0) onDrop(dropped);
  }

  function scheduleDropReport(): void {
    if (dropReport !== null) return;
    dropReport = setTimeout(reportDrops, DROP_REPORT_INTERVAL_MS);
    dropReport.unref();
  }

  return {
    async publish(userId, message) {
      const json = serializeForPublish(userId, message);
      if (closed) throw new StreamMessageDroppedError('the bus is closed');
      const sent = outbox.add(userId, json);
      writer.wake();
      return sent.catch((error: unknown) => {
        scheduleDropReport();
        throw error;
      });
    },
    subscribe: (userId, handler) => reader.subscribe(userId, handler),
    ready: () => reader.ready(),
    async health() {
      try {
        await publisher.ping();
        return reader.isReading() ? 'up' : 'down';
      } catch {
        return 'down';
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      reader.stop();
      if (!(await writer.drained(options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS))) {
        outbox.dropUnsent(new StreamMessageDroppedError('the bus closed before Redis took it'));
      }
      writer.stop();
      if (dropReport !== null) clearTimeout(dropReport);
      reportDrops();
      subscriber.disconnect();
      await publisher.quit().catch(() => {});
    },
  };
}
