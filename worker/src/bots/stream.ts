/** What the worker tells a bot's owner on the stream bus (contract StreamMessage). Publishing never fails a candle. */
import type { StreamMessage } from '@keel/contract';
import type { EquitySnapshot } from '@keel/db';
import { type StreamBus, StreamMessageDroppedError } from '@keel/realtime';
import type { Logger } from '../logger.ts';

export type Channel = StreamMessage['channel'];

export function streamPublisher(bus: StreamBus, userId: string, botId: string, logger: Logger) {
  return (channel: Channel, data: unknown): void => {
    bus.publish(userId, { channel, botId, time: Date.now(), data }).catch((error: unknown) => {
      // Drops (the bus's queue bound, in a long Redis outage) are counted and logged by the bus, not once each.
      if (error instanceof StreamMessageDroppedError) return;
      logger.warn({ channel, error: String(error) }, 'stream publish failed');
    });
  };
}

export type Publish = ReturnType<typeof streamPublisher>;

/**
 * An equity point as the stream carries it, its time already ISO text: the same JSON, but a Date inside a message
 * sends JSON.stringify down its slow path (4× the time), once per bot and candle.
 */
export function equityForStream(point: EquitySnapshot): Omit<EquitySnapshot, 'time'> & { time: string } {
  return { ...point, time: point.time.toISOString() };
}
