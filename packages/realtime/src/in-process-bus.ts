/** The embedded mode's bus: worker and edge in one process, messages handed over synchronously. */
import { deliver, type StreamBus, type StreamHandler, serializeForPublish } from './stream-bus.ts';

export interface InProcessBusOptions {
  /** Where a throwing subscriber's error goes (default: dropped). */
  onHandlerError?: (error: unknown) => void;
}

export function inProcessBus(options: InProcessBusOptions = {}): StreamBus {
  const subscribers = new Map<string, Set<StreamHandler>>();
  const onError = options.onHandlerError ?? (() => {});
  return {
    async publish(userId, message) {
      const json = serializeForPublish(userId, message);
      const handlers = subscribers.get(userId);
      if (handlers === undefined) return;
      const parsed = JSON.parse(json);
      deliver([...handlers], parsed, json, onError);
    },
    subscribe(userId, handler) {
      let handlers = subscribers.get(userId);
      if (handlers === undefined) {
        handlers = new Set();
        subscribers.set(userId, handlers);
      }
      // Wrapped, so the same function subscribed twice gets two independent subscriptions.
      const subscription: StreamHandler = (message, json) => handler(message, json);
      handlers.add(subscription);
      return () => {
        handlers.delete(subscription);
        if (handlers.size === 0 && subscribers.get(userId) === handlers) subscribers.delete(userId);
      };
    },
    ready: async () => {},
    health: async () => 'up',
    async close() {
      subscribers.clear();
    },
  };
}
