/**
 * The bus between processes: Redis pub/sub, one channel per user (`<prefix><userId>`). A connection in subscribe
 * mode can run no other command, so publishing and subscribing use separate connections. Each user's channel is
 * subscribed once per process however many local handlers (WebSockets) it has, and unsubscribed with the last.
 */

import { StreamMessage } from '@keel/contract';
import { Redis } from 'ioredis';
import { deliver, type StreamBus, type StreamHandler, serializeForPublish } from './stream-bus.ts';

export interface RedisBusOptions {
  /** redis://host:port/db */
  url: string;
  /** Channel name prefix (default "keel:stream:"). */
  channelPrefix?: string;
  /** Where a throwing subscriber's error, or a malformed message on a channel, goes (default: dropped). */
  onHandlerError?: (error: unknown) => void;
}

const DEFAULT_PREFIX = 'keel:stream:';

export function redisBus(options: RedisBusOptions): StreamBus {
  const prefix = options.channelPrefix ?? DEFAULT_PREFIX;
  const onError = options.onHandlerError ?? (() => {});
  // Auto-pipelining: the publishes of one turn of the event loop (a candle's thousands of bots) leave in one write,
  // not one syscall and one packet each.
  const publisher = new Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: 2, enableAutoPipelining: true });
  const subscriber = new Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: 2 });
  // ioredis re-emits connection errors; they are reported through health(), not as unhandled events.
  publisher.on('error', () => {});
  subscriber.on('error', () => {});
  const subscribers = new Map<string, Set<StreamHandler>>();
  // The last SUBSCRIBE/UNSUBSCRIBE sent: Redis answers a connection's commands in order.
  let lastSubscription: Promise<unknown> = Promise.resolve();

  subscriber.on('message', (channel: string, json: string) => {
    const handlers = subscribers.get(channel.slice(prefix.length));
    if (handlers === undefined || handlers.size === 0) return;
    let message: StreamMessage;
    try {
      message = StreamMessage.parse(JSON.parse(json));
    } catch (error) {
      onError(error);
      return;
    }
    deliver([...handlers], message, json, onError);
  });

  return {
    async publish(userId, message) {
      await publisher.publish(prefix + userId, serializeForPublish(userId, message));
    },
    subscribe(userId, handler) {
      let handlers = subscribers.get(userId);
      if (handlers === undefined) {
        handlers = new Set();
        subscribers.set(userId, handlers);
        lastSubscription = subscriber.subscribe(prefix + userId).catch(onError);
      }
      const subscription: StreamHandler = (message, json) => handler(message, json);
      handlers.add(subscription);
      return () => {
        handlers.delete(subscription);
        if (handlers.size === 0 && subscribers.get(userId) === handlers) {
          subscribers.delete(userId);
          lastSubscription = subscriber.unsubscribe(prefix + userId).catch(onError);
        }
      };
    },
    async ready() {
      await lastSubscription;
    },
    async health() {
      try {
        await publisher.ping();
        return subscriber.status === 'ready' ? 'up' : 'down';
      } catch {
        return 'down';
      }
    },
    async close() {
      subscribers.clear();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}
