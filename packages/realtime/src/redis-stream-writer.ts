/**
 * The publishing half of the Redis bus: drains the outbox into the stream, in order, one pipeline of
 * `XADD <key> MAXLEN ~ <entries> * p <publisherId> s <seq> b <messages>` per batch, each entry carrying up to
 * MESSAGES_PER_ENTRY consecutive messages of this publisher: `<userId> <json>` lines, the first numbered `seq`, the
 * next seq + 1, and so on (the JSON of a message has no line break). One entry per message made every bot and
 * candle a Redis command of its own: a tenth of a worker's CPU at 10,000 bots, most of its garbage, and as much
 * again in every reader. While Redis is unreachable the messages wait in the outbox; when it answers again they go
 * out oldest first.
 *
 * Redis restarted empty (a new run id) loses what it had taken but readers had perhaps not read yet, so the
 * outbox's recently sent messages go again; readers drop the ones they already delivered by (publisher, seq).
 * A batch that failed midway is resent from its first unconfirmed message for the same reason.
 */
import type { Redis } from 'ioredis';
import type { Outbox, OutboxMessage } from './outbox.ts';
import { beforeRetry, serverRunId } from './redis-connection.ts';

export interface StreamWriterOptions {
  redis: Redis;
  streamKey: string;
  /**
   * Messages the stream keeps for readers that fell behind, at most: XADD MAXLEN ~ keeps this many full entries'
   * worth (fewer messages when entries are not full, as at low rates, when falling behind is also slower).
   */
  maxStreamLength: number;
  /** Tells this publisher's messages apart from other processes' (each numbers its own from 1). */
  publisherId: string;
  outbox: Outbox;
}

export interface StreamWriter {
  /** There is something new in the outbox. */
  wake(): void;
  /** Resolves true once the outbox has nothing unsent, false if that did not happen within `timeoutMs`. */
  drained(timeoutMs: number): Promise<boolean>;
  stop(): void;
}

/** Messages per pipeline: one write and one read syscall for a candle's worth of messages. */
const BATCH_SIZE = 512;
/**
 * Messages per stream entry: large enough that the per-command costs vanish, small enough that a reader's XREAD
 * COUNT (redis-stream-reader.ts) bounds what it takes in one turn.
 */
export const MESSAGES_PER_ENTRY = 64;
/** Between attempts while Redis does not answer (reconnecting is ioredis's; this only paces the retries). */
const RETRY_MS = 100;
const DRAIN_POLL_MS = 10;

export function streamWriter(options: StreamWriterOptions): StreamWriter {
  const { redis, streamKey, outbox, publisherId } = options;
  const maxEntries = String(Math.max(1, Math.ceil(options.maxStreamLength / MESSAGES_PER_ENTRY)));
  let draining = false;
  let stopped = false;
  /** The server the sent messages live on; checked before sending over a new connection. */
  let knownRunId: string | null = null;
  let serverUnverified = true;
  redis.on('close', () => {
    serverUnverified = true;
  });

  async function verifyServer(): Promise<void> {
    const runId = await serverRunId(redis);
    if (knownRunId !== null && runId !== knownRunId) outbox.resendRetained();
    knownRunId = runId;
    serverUnverified = false;
  }

  async function send(batch: OutboxMessage[]): Promise<void> {
    const pipeline = redis.pipeline();
    const lastSeqs: number[] = [];
    for (let from = 0; from < batch.length; from += MESSAGES_PER_ENTRY) {
      const entry = batch.slice(from, from + MESSAGES_PER_ENTRY);
      const first = entry[0] as OutboxMessage;
      const lines = entry.map((message) => `${message.userId} ${message.json}`).join('\n');
      pipeline.xadd(streamKey, 'MAXLEN', '~', maxEntries, '*', 'p', publisherId, 's', String(first.seq), 'b', lines);
      lastSeqs.push((entry[entry.length - 1] as OutboxMessage).seq);
    }
    const replies = await pipeline.exec();
    let sentThrough = 0;
    let failure: unknown = null;
    for (let i = 0; i < lastSeqs.length; i++) {
      const reply = replies?.[i];
      const error = reply === undefined ? new Error('no reply to XADD') : reply[0];
      if (error !== null) {
        failure = error;
        break;
      }
      sentThrough = lastSeqs[i] as number;
    }
    if (sentThrough > 0) outbox.markSent(sentThrough, Date.now());
    if (failure !== null) throw failure;
  }

  async function drain(): Promise<void> {
    while (!stopped && outbox.unsentCount > 0) {
      try {
        if (serverUnverified) await verifyServer();
        await send(outbox.unsent(BATCH_SIZE));
      } catch {
        serverUnverified = true;
        await beforeRetry(redis, RETRY_MS);
      }
    }
    draining = false;
  }

  return {
    wake() {
      if (draining || stopped) return;
      draining = true;
      // After this turn of the event loop: its publishes (a candle's many bots) leave in one pipeline.
      queueMicrotask(() => void drain());
    },
    async drained(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (outbox.unsentCount > 0) {
        if (Date.now() >= deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
      }
      return true;
    },
    stop() {
      stopped = true;
    },
  };
}
