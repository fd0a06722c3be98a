/**
 * The stream bus: the worker publishes what happens to a user's bots (prices, fills, positions, equity, decisions,
 * alerts); the edge subscribes for each user with a connected client and forwards to their WebSockets. Messages
 * are per user: a subscriber only ever receives messages published for its user id.
 *
 * A delivery carries the message and its JSON text, serialized once per publish: fanning one message out to many
 * sockets must not serialize it once per socket.
 */
import { StreamChannel, StreamMessage } from '@keel/contract';

export type { StreamMessage };

export type StreamHandler = (message: StreamMessage, json: string) => void;
export type Unsubscribe = () => void;

export interface StreamBus {
  /**
   * Sends `message` to every subscriber of `userId` whose subscription was ready when it was published (none: it
   * reaches no one; a subscriber never gets what was published before it). Resolves once the transport took the
   * message; while the transport is down it waits, in order, and is sent when it is back. Rejects with
   * StreamMessageError for a bad message, StreamMessageDroppedError when the bus had to drop it (bounded queue).
   */
  publish(userId: string, message: StreamMessage): Promise<void>;
  /** Calls `handler` once for each message published for `userId` from now on, in order, until unsubscribed. */
  subscribe(userId: string, handler: StreamHandler): Unsubscribe;
  /** Resolves once every subscription made so far receives messages (Redis: once each knows where it starts). */
  ready(): Promise<void>;
  /** up when messages flow, down when the transport is broken. */
  health(): Promise<'up' | 'down'>;
  close(): Promise<void>;
}

/** A message that does not match the contract's StreamMessage: the publisher's bug, refused at the source. */
export class StreamMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamMessageError';
  }
}

/**
 * A message the bus could not keep: more messages waited for a down transport than its bound, and this was the
 * oldest; or the bus closed before the transport came back. The bus reports these in aggregate (onDrop).
 */
export class StreamMessageDroppedError extends Error {
  constructor(reason: string) {
    super(`stream message dropped: ${reason}`);
    this.name = 'StreamMessageDroppedError';
  }
}

/**
 * Messages a reader never got: a publisher's sequence numbers jumped, because the stream was trimmed past entries
 * before this reader read them (it fell further behind than the stream keeps), or the publisher dropped them from
 * its queue (reported there too). Reported through the bus's onHandlerError; delivery goes on with the next one.
 */
export class StreamGapError extends Error {
  readonly missed: number;
  constructor(missed: number, publisherId: string) {
    super(
      `stream: ${missed} message(s) of publisher ${publisherId} never reached this reader (trimmed before it read them, or dropped by the publisher)`,
    );
    this.name = 'StreamGapError';
    this.missed = missed;
  }
}

const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CHANNELS: ReadonlySet<string> = new Set(StreamChannel.options);
// Lowercase, as the database prints a bot id; what the contract's Uuid (z.uuid()) accepts.
const BOT_ID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;

/**
 * A message the schema would accept as it is — the worker's, every time — checked without it: the worker publishes
 * one or more per bot and candle, and the schema's parse was 6 % of its CPU. Anything else takes the schema.
 */
function isPlainStreamMessage(message: StreamMessage): boolean {
  const { channel, botId, time } = message;
  return (
    'data' in message &&
    typeof channel === 'string' &&
    CHANNELS.has(channel) &&
    (botId === null || (typeof botId === 'string' && BOT_ID.test(botId))) &&
    typeof time === 'number' &&
    Number.isFinite(time)
  );
}

/** Validates a publish: a user id and a StreamMessage; returns the message's JSON text. */
export function serializeForPublish(userId: string, message: StreamMessage): string {
  if (!USER_ID.test(userId)) throw new StreamMessageError(`userId must be a uuid, got ${JSON.stringify(userId)}`);
  if (typeof message === 'object' && message !== null && isPlainStreamMessage(message)) {
    // The schema's output: its four keys in its order, unknown keys dropped.
    const { channel, botId, time, data } = message;
    return JSON.stringify({ channel, botId, time, data });
  }
  const result = StreamMessage.safeParse(message);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`);
    throw new StreamMessageError(`not a StreamMessage: ${problems.join('; ')}`);
  }
  return JSON.stringify(result.data);
}

/** Calls every handler, isolating them: one throwing subscriber must not starve the others. */
export function deliver(
  handlers: Iterable<StreamHandler>,
  message: StreamMessage,
  json: string,
  onError: (error: unknown) => void,
): void {
  for (const handler of handlers) {
    try {
      handler(message, json);
    } catch (error) {
      onError(error);
    }
  }
}
