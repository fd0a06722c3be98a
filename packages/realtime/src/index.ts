/** @keel/realtime — the stream bus between worker and edge. See stream-bus.ts for the contract. */
export { type InProcessBusOptions, inProcessBus } from './in-process-bus.ts';
export { DEFAULT_STREAM_KEY, type RedisBusOptions, redisBus } from './redis-bus.ts';
export {
  type StreamBus,
  StreamGapError,
  type StreamHandler,
  type StreamMessage,
  StreamMessageDroppedError,
  StreamMessageError,
  serializeForPublish,
  type Unsubscribe,
} from './stream-bus.ts';
