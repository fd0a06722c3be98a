/**
 * One client's stream: the bus's messages for its user, filtered to the channels it asked for, written to its
 * socket. Back-pressure: a socket whose unsent data passes maxBufferedBytes belongs to a client that cannot keep
 * up; it is closed with 1013 (Try Again Later) and unsubscribed, so a slow client costs at most that much memory
 * and never delays anyone else. The client reconnects and reloads state over REST.
 */
import type { StreamMessage } from '@keel/contract';
import type { StreamBus } from '@keel/realtime';

export const SLOW_CLIENT_CLOSE_CODE = 1013;
export const TOO_MANY_STREAMS_CLOSE_CODE = 1008;

export interface StreamSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Bytes queued but not yet sent (WebSocket.bufferedAmount). */
  bufferedAmount(): number;
}

export interface StreamStats {
  delivered: number;
  dropped: number;
}

export interface OpenStreamOptions {
  bus: StreamBus;
  userId: string;
  channels: ReadonlySet<StreamMessage['channel']>;
  socket: StreamSocket;
  maxBufferedBytes: number;
  stats: StreamStats;
  onSlowClient?: () => void;
}

/** Subscribes the socket; returns the function that ends the stream (idempotent). */
export function openStream(options: OpenStreamOptions): () => void {
  const { socket, channels, stats } = options;
  let open = true;
  const unsubscribe = options.bus.subscribe(options.userId, (message, json) => {
    if (!open || !channels.has(message.channel)) return;
    if (socket.bufferedAmount() > options.maxBufferedBytes) {
      close();
      stats.dropped++;
      options.onSlowClient?.();
      socket.close(SLOW_CLIENT_CLOSE_CODE, 'too slow: messages were piling up');
      return;
    }
    socket.send(json);
    stats.delivered++;
  });
  function close(): void {
    if (!open) return;
    open = false;
    unsubscribe();
  }
  return close;
}
