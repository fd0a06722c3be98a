/**
 * The tab's one live connection to /v1/stream, shared by every page: components subscribe to the channels they
 * show and unsubscribe when they go away. It opens when someone signs in and closes when they sign out. After a
 * reconnect (messages may have been missed), subscribers with `onReconnect` reload their state over REST.
 */
import { API_URL, freshAccessToken, onSignOut, renew } from '../session/session.svelte.ts';
import {
  createStreamClient,
  type StreamClient,
  type StreamMessage,
  type StreamStatus,
} from '../stream/stream-client.ts';

export type { StreamMessage };

type Channel = StreamMessage['channel'];

interface Subscription {
  channels: ReadonlySet<Channel>;
  onMessage: (message: StreamMessage) => void;
  onReconnect?: (() => void) | undefined;
}

export const live = $state<{ status: StreamStatus; lastMessageAt: number | null }>({
  status: 'idle',
  lastMessageAt: null,
});

const subscriptions = new Set<Subscription>();
let client: StreamClient | null = null;
let firstUpdateMarked = false;

function deliver(message: StreamMessage): void {
  live.lastMessageAt = Date.now();
  for (const subscription of subscriptions) {
    if (subscription.channels.has(message.channel)) subscription.onMessage(message);
  }
}

/** Opens the connection (idempotent); called once the session is known to be signed in. */
export function connectLive(): void {
  if (client !== null) return;
  client = createStreamClient({
    baseUrl: API_URL,
    accessToken: (afterFailure) => (afterFailure ? renew() : freshAccessToken()),
    onMessage: deliver,
    onStatus: (status) => {
      live.status = status;
    },
    onOpen: (reconnected) => {
      if (!reconnected) return;
      for (const subscription of subscriptions) subscription.onReconnect?.();
    },
  });
  client.start();
}

export function disconnectLive(): void {
  client?.stop();
  client = null;
}

onSignOut(disconnectLive);

/**
 * Calls `onMessage` for each message on `channels` until the returned function is called (use it as an
 * $effect's cleanup).
 */
export function subscribe(
  channels: readonly Channel[],
  onMessage: (message: StreamMessage) => void,
  onReconnect?: () => void,
): () => void {
  const subscription: Subscription = { channels: new Set(channels), onMessage, onReconnect };
  subscriptions.add(subscription);
  return () => subscriptions.delete(subscription);
}

/** Runs `refresh` at most once per `intervalMs` while messages keep coming, and once after the last one. */
export function throttled(refresh: () => void, intervalMs = 750): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastRunAt = 0;
  return () => {
    if (timer !== null) return;
    const wait = Math.max(0, lastRunAt + intervalMs - Date.now());
    timer = setTimeout(() => {
      timer = null;
      lastRunAt = Date.now();
      refresh();
    }, wait);
  };
}

/**
 * Records, once per page load, the moment the first live update reached the screen (a performance mark the
 * benchmark reads: bench/app.ts).
 */
export function markFirstLiveUpdate(): void {
  if (firstUpdateMarked || typeof performance === 'undefined') return;
  firstUpdateMarked = true;
  performance.mark('keel:first-live-update');
}
