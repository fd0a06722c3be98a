/**
 * The stream bus the environment asks for: Redis when REDIS_URL is set (KEEL_STREAM_QUEUE_MAX: messages kept while
 * Redis is unreachable, default the bus's 100,000), in process otherwise. What the bus had to drop, and what it
 * could not deliver, is logged.
 */
import { inProcessBus, redisBus, type StreamBus } from '@keel/realtime';
import type { Logger } from '../logger.ts';

export function streamBusFromEnv(env: NodeJS.ProcessEnv, logger: Logger): StreamBus {
  const url = env.REDIS_URL;
  if (!url) return inProcessBus();
  const queueText = env.KEEL_STREAM_QUEUE_MAX;
  const maxQueuedMessages = queueText ? Number(queueText) : undefined;
  if (maxQueuedMessages !== undefined && !(Number.isInteger(maxQueuedMessages) && maxQueuedMessages > 0)) {
    throw new Error(`KEEL_STREAM_QUEUE_MAX must be a positive whole number of messages, got ${queueText}`);
  }
  return redisBus({
    url,
    ...(maxQueuedMessages === undefined ? {} : { maxQueuedMessages }),
    onDrop: (dropped) =>
      logger.warn({ dropped }, 'stream bus: Redis was unreachable too long, the oldest queued messages were dropped'),
    // A subscriber that threw, an entry that is not a bus message, or messages this process never got (a gap).
    onHandlerError: (error) => logger.warn({ error: String(error) }, 'stream bus: delivery problem'),
  });
}
