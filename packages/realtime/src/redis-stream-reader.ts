/**
 * The subscribing half of the Redis bus: one loop per process on its own connection,
 * `XREAD BLOCK <ms> COUNT <n> STREAMS <key> <lastId>`, handing each message of each entry to the local handlers of
 * its user.
 *
 * - Resuming: after a dropped connection the loop reads on from `lastId`, so nothing published meanwhile is lost.
 * - Redis restarted (a new run id) and the entry last read is gone: it restarted empty, the stream was recreated by
 *   the next XADD and its ids need not follow the old ones (another clock, or ids the old stream had pushed ahead),
 *   so the loop reads the new stream from its start. If that entry is still there (persistence, a promoted
 *   replica), the stream survived and the loop reads on from it.
 * - Once each: a publisher may send a message twice (a batch resent after a lost reply, or its recent messages
 *   after a restart, perhaps grouped into other entries); a message whose publisher sequence number is not above
 *   the last one read from that publisher is skipped. Each publisher's messages are in the stream in its order, so
 *   this drops repeats and nothing else.
 * - Never silently short: a jump in a publisher's sequence numbers (the stream trimmed entries this reader had not
 *   read yet, or the publisher dropped them) is reported as a StreamGapError through onError.
 * - From now on: each subscription starts after the stream's last entry when it was made (XREVRANGE), so it never
 *   gets what was published before, even when the loop is behind.
 * - Only when asked: the loop starts at the first subscribe() or ready(). A process that only publishes (a worker)
 *   would otherwise read back, decode and drop every message of every user: measured at 10,000 bots, a tenth of
 *   the worker's CPU and a share of Redis's.
 */
import { StreamMessage } from '@keel/contract';
import type { Redis } from 'ioredis';
import { beforeRetry, serverRunId } from './redis-connection.ts';
import { MESSAGES_PER_ENTRY } from './redis-stream-writer.ts';
import { deliver, StreamGapError, type StreamHandler } from './stream-bus.ts';
import { compareStreamIds, STREAM_START_ID } from './stream-ids.ts';

export interface StreamReaderOptions {
  /** The connection XREAD blocks on: nothing else may use it. */
  reader: Redis;
  /** For the one-off lookups (where a subscription starts). */
  commands: Redis;
  streamKey: string;
  onError: (error: unknown) => void;
}

export interface StreamReader {
  subscribe(userId: string, handler: StreamHandler): () => void;
  /** Resolves once the loop has its starting point and every subscription made so far has its own. */
  ready(): Promise<void>;
  /** The loop reads (its connection is up and its last XREAD did not fail), or was never needed. */
  isReading(): boolean;
  stop(): void;
}

interface Subscription {
  handler: StreamHandler;
  /** Entries after this id are for this subscription; null until it is known. */
  afterId: string | null;
}

const BLOCK_MS = 1_000;
/** Entries per XREAD: up to MESSAGES_PER_ENTRY messages each, so at most about a thousand messages a turn. */
const READ_COUNT = Math.max(1, Math.floor(1_000 / MESSAGES_PER_ENTRY));
const RETRY_MS = 100;
/** How long a subscription's start lookup waits for a connection that is still opening. */
const START_LOOKUP_RETRY_MS = 2_000;
/** Publishers remembered for dropping repeats: a process restart makes a new one, so old ones are forgotten. */
const MAX_PUBLISHERS_REMEMBERED = 1_024;

/**
 * An entry's messages as the writer adds them: `p <publisherId> s <seq> b <lines>`, one `<userId> <json>` line per
 * message, numbered from seq on (redis-stream-writer.ts). Entries of one message, `u <userId> p <publisherId>
 * s <seq> m <json>`, as earlier versions wrote, are read too, so a reader can be upgraded before its publishers.
 */
interface Entry {
  publisherId: string;
  firstSeq: number;
  /** The messages' lines, or the one message's JSON when `userId` is given. */
  text: string;
  userId: string | null;
}

function entryOf(fields: string[]): Entry | null {
  // The writer's order, checked field by field (a foreign entry in the stream is refused, not misread).
  if (fields.length === 6 && fields[0] === 'p' && fields[2] === 's' && fields[4] === 'b') {
    const [, publisherId, , seqText, , text] = fields;
    const firstSeq = Number(seqText);
    if (publisherId === undefined || text === undefined || !Number.isSafeInteger(firstSeq)) return null;
    return { publisherId, firstSeq, text, userId: null };
  }
  if (fields.length !== 8 || fields[0] !== 'u' || fields[2] !== 'p' || fields[4] !== 's' || fields[6] !== 'm') {
    return null;
  }
  const [, userId, , publisherId, , seqText, , json] = fields;
  const seq = Number(seqText);
  if (userId === undefined || publisherId === undefined || json === undefined || !Number.isSafeInteger(seq)) {
    return null;
  }
  return { publisherId, firstSeq: seq, text: json, userId };
}

export function streamReader(options: StreamReaderOptions): StreamReader {
  const { reader, commands, streamKey, onError } = options;
  const subscribers = new Map<string, Set<Subscription>>();
  const lastSeqByPublisher = new Map<string, number>();
  let lastPublisherId: string | null = null;
  const pendingStarts = new Set<Promise<void>>();
  let stopped = false;
  let lastId: string | null = null;
  let knownRunId: string | null = null;
  let serverUnverified = true;
  /** The last XREAD failed (connection down, or Redis refusing it): health() says down until one succeeds. */
  let readFailing = false;
  let positioned: () => void = () => {};
  const firstPosition = new Promise<void>((resolve) => {
    positioned = resolve;
  });
  reader.on('close', () => {
    serverUnverified = true;
  });

  /** After a restart: the entry last read is still there (the server kept its data). */
  async function keptLastEntry(): Promise<boolean> {
    if (lastId === null || lastId === STREAM_START_ID) return false;
    return ((await reader.xrange(streamKey, lastId, lastId)) as unknown[]).length > 0;
  }

  async function lastEntryId(): Promise<string> {
    const last = (await commands.xrevrange(streamKey, '+', '-', 'COUNT', 1)) as [string, string[]][];
    return last[0]?.[0] ?? STREAM_START_ID;
  }

  /** Where to read from on this connection: on, from the start of a new stream, or (first time) from now. */
  async function verifyServer(): Promise<void> {
    const runId = await serverRunId(reader);
    if (knownRunId === null) {
      lastId = await lastEntryId();
      positioned();
    } else if (runId !== knownRunId && !(await keptLastEntry())) {
      lastId = STREAM_START_ID;
      for (const subscriptions of subscribers.values()) {
        for (const subscription of subscriptions) subscription.afterId = STREAM_START_ID;
      }
    }
    knownRunId = runId;
    serverUnverified = false;
  }

  /**
   * A message's place in its publisher's sequence: 'repeat' when it was read already, else how many of that
   * publisher's messages came between the last one read and it (0 when none: the stream is contiguous per publisher).
   */
  function sequencePlace(publisherId: string, seq: number): 'repeat' | number {
    const last = lastSeqByPublisher.get(publisherId);
    if (last !== undefined && seq <= last) return 'repeat';
    if (publisherId !== lastPublisherId) {
      // Least recently heard first in the map: a publisher still talking is never the one forgotten.
      lastSeqByPublisher.delete(publisherId);
      if (lastSeqByPublisher.size >= MAX_PUBLISHERS_REMEMBERED) {
        lastSeqByPublisher.delete(lastSeqByPublisher.keys().next().value as string);
      }
      lastPublisherId = publisherId;
    }
    lastSeqByPublisher.set(publisherId, seq);
    return last === undefined ? 0 : seq - last - 1;
  }

  function handle(id: string, fields: string[]): void {
    const entry = entryOf(fields);
    if (entry === null) {
      onError(new Error(`stream entry ${id} is not a bus message (fields ${fields.filter((_, i) => i % 2 === 0)})`));
      return;
    }
    const { publisherId, text } = entry;
    if (entry.userId !== null) {
      handleMessage(id, publisherId, entry.firstSeq, entry.userId, text, 0, text.length);
      return;
    }
    let seq = entry.firstSeq;
    for (let start = 0; start < text.length; seq++) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline;
      const space = text.indexOf(' ', start);
      const userId = space === -1 || space > end ? null : text.slice(start, space);
      handleMessage(id, publisherId, seq, userId, text, space + 1, end);
      start = end + 1;
    }
  }

  /**
   * One message, whose JSON is text[from, to): delivered to its user's subscriptions made before its entry. A
   * message without a user id (null) is reported, and still counts in its publisher's sequence (it is not missing).
   */
  function handleMessage(
    id: string,
    publisherId: string,
    seq: number,
    userId: string | null,
    text: string,
    from: number,
    to: number,
  ): void {
    const place = sequencePlace(publisherId, seq);
    if (place === 'repeat') return;
    if (place > 0) onError(new StreamGapError(place, publisherId));
    if (userId === null) {
      onError(new Error(`stream entry ${id}: message ${seq} of ${publisherId} has no user id`));
      return;
    }
    const subscriptions = subscribers.get(userId);
    if (subscriptions === undefined) return;
    const handlers: StreamHandler[] = [];
    for (const subscription of subscriptions) {
      if (subscription.afterId !== null && compareStreamIds(id, subscription.afterId) > 0) {
        handlers.push(subscription.handler);
      }
    }
    if (handlers.length === 0) return;
    const json = from === 0 && to === text.length ? text : text.slice(from, to);
    let message: StreamMessage;
    try {
      message = StreamMessage.parse(JSON.parse(json));
    } catch (error) {
      onError(error);
      return;
    }
    deliver(handlers, message, json, onError);
  }

  let started = false;
  function startReading(): void {
    if (started) return;
    started = true;
    void loop();
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        if (serverUnverified) await verifyServer();
        const reply = (await reader.xread(
          'COUNT',
          READ_COUNT,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          streamKey,
          lastId ?? '$',
        )) as [string, [string, string[]][]][] | null;
        for (const [id, fields] of reply?.[0]?.[1] ?? []) {
          lastId = id;
          handle(id, fields);
        }
        readFailing = false;
      } catch {
        if (stopped) return;
        readFailing = true;
        serverUnverified = true;
        await beforeRetry(reader, RETRY_MS);
      }
    }
  }

  /**
   * Sets where a new subscription starts. Looked up once the loop has its own starting point, so that the loop
   * reads from at or before it (the loop may have started for this very subscription). The connection may still be
   * opening: one more try once it is up; if Redis still cannot say, from where the loop is (the best known "now").
   */
  function locateStart(subscription: Subscription): void {
    const start = firstPosition
      .then(lastEntryId)
      .catch(async () => {
        await beforeRetry(commands, START_LOOKUP_RETRY_MS);
        return lastEntryId();
      })
      .then(
        (id) => {
          subscription.afterId = id;
        },
        () => {
          subscription.afterId = lastId ?? STREAM_START_ID;
        },
      );
    pendingStarts.add(start);
    void start.finally(() => pendingStarts.delete(start));
  }

  return {
    subscribe(userId, handler) {
      startReading();
      let subscriptions = subscribers.get(userId);
      if (subscriptions === undefined) {
        subscriptions = new Set();
        subscribers.set(userId, subscriptions);
      }
      const subscription: Subscription = { handler: (message, json) => handler(message, json), afterId: null };
      subscriptions.add(subscription);
      locateStart(subscription);
      const own = subscriptions;
      return () => {
        own.delete(subscription);
        if (own.size === 0 && subscribers.get(userId) === own) subscribers.delete(userId);
      };
    },
    async ready() {
      startReading();
      await firstPosition;
      await Promise.all([...pendingStarts]);
    },
    isReading: () => !started || (reader.status === 'ready' && !readFailing),
    stop() {
      stopped = true;
      subscribers.clear();
      positioned();
    },
  };
}
