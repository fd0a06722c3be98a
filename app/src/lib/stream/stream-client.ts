/**
 * The dashboard's WebSocket to /v1/stream: live prices, fills, positions, equity, decisions and bot states.
 * Browsers cannot set headers on a WebSocket, so the access token travels as ?access_token= (fetched fresh before
 * each connection). The connection is kept: a ping every 25 s keeps proxies from closing it as idle, and a closed
 * socket reconnects with exponential backoff and jitter until stop(). A stream has no backlog, so after every
 * reconnect `onOpen(true)` tells the pages to reload their state over REST.
 */
import type { StreamMessage } from '@keel/contract/platform.ts';
import { type BackoffOptions, backoffDelay } from './backoff.ts';

export type { StreamMessage };
export type StreamStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The part of the browser's WebSocket the client uses (tests pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface StreamClientOptions {
  /** The API's base URL (http or https); the socket goes to ws(s)://…/v1/stream. */
  baseUrl: string;
  /**
   * A fresh access token for the next connection; null when signed out (the client then stops). `afterFailure`:
   * the last attempt never opened (an expired or revoked token looks like that), so the token should be renewed.
   */
  accessToken: (afterFailure: boolean) => Promise<string | null>;
  /** Channels to receive; default all. */
  channels?: readonly StreamMessage['channel'][];
  onMessage: (message: StreamMessage) => void;
  onStatus?: (status: StreamStatus) => void;
  /** Called on every successful connection; `reconnected` is true after the first, when messages may be lost. */
  onOpen?: (reconnected: boolean) => void;
  socket?: SocketFactory;
  backoff?: BackoffOptions;
  random?: () => number;
  /** Default 25 s. */
  pingIntervalMs?: number;
}

export interface StreamClient {
  start(): void;
  stop(): void;
  readonly status: StreamStatus;
}

const OPEN = 1;
const NORMAL_CLOSURE = 1000;
/** A connection that stayed up this long was healthy: the next failure starts the backoff from scratch. */
const STABLE_CONNECTION_MS = 10_000;
const DEFAULT_PING_INTERVAL_MS = 25_000;

/** ws(s)://host/v1/stream?access_token=…&channels=… from the API's http(s) base URL. */
export function streamUrl(baseUrl: string, accessToken: string, channels?: readonly string[]): string {
  const url = new URL('/v1/stream', baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('access_token', accessToken);
  if (channels && channels.length > 0) url.searchParams.set('channels', channels.join(','));
  return url.toString();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A frame as a StreamMessage, or null for anything else (pongs, garbage): checked by hand, without zod. */
export function parseFrame(data: unknown): StreamMessage | null {
  if (typeof data !== 'string' || data === 'pong') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isRecord(parsed) || typeof parsed.channel !== 'string' || typeof parsed.time !== 'number') return null;
  const botId = typeof parsed.botId === 'string' ? parsed.botId : null;
  return { channel: parsed.channel as StreamMessage['channel'], botId, time: parsed.time, data: parsed.data };
}

export function createStreamClient(options: StreamClientOptions): StreamClient {
  const makeSocket: SocketFactory = options.socket ?? ((url) => new WebSocket(url) as unknown as SocketLike);
  const pingIntervalMs = options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
  let status: StreamStatus = 'idle';
  let socket: SocketLike | null = null;
  let attempt = 0;
  let connections = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let pingTimer: ReturnType<typeof setInterval> | null = null;
  let stopped = true;
  let lastAttemptFailed = false;

  function setStatus(next: StreamStatus): void {
    if (status === next) return;
    status = next;
    options.onStatus?.(next);
  }

  function clearTimers(): void {
    if (retryTimer !== null) clearTimeout(retryTimer);
    if (pingTimer !== null) clearInterval(pingTimer);
    retryTimer = null;
    pingTimer = null;
  }

  function scheduleReconnect(): void {
    if (stopped) return;
    setStatus('reconnecting');
    const delay = backoffDelay(attempt, options.backoff, options.random);
    attempt++;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, delay);
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    setStatus(connections === 0 ? 'connecting' : 'reconnecting');
    let token: string | null;
    try {
      token = await options.accessToken(lastAttemptFailed);
    } catch {
      scheduleReconnect();
      return;
    }
    if (stopped) return;
    if (token === null) {
      stop();
      return;
    }
    let openedAt = 0;
    const current = makeSocket(streamUrl(options.baseUrl, token, options.channels));
    socket = current;
    current.onopen = () => {
      if (socket !== current) return;
      openedAt = Date.now();
      lastAttemptFailed = false;
      const reconnected = connections > 0;
      connections++;
      setStatus('open');
      pingTimer = setInterval(() => {
        if (current.readyState === OPEN) current.send('ping');
      }, pingIntervalMs);
      options.onOpen?.(reconnected);
    };
    current.onmessage = (event) => {
      if (socket !== current) return;
      const message = parseFrame(event.data);
      if (message !== null) options.onMessage(message);
    };
    current.onerror = () => {
      // Always followed by close, which reconnects.
    };
    current.onclose = () => {
      if (socket !== current) return;
      socket = null;
      clearTimers();
      if (openedAt > 0 && Date.now() - openedAt >= STABLE_CONNECTION_MS) attempt = 0;
      lastAttemptFailed = openedAt === 0;
      scheduleReconnect();
    };
  }

  function start(): void {
    if (!stopped) return;
    stopped = false;
    attempt = 0;
    void connect();
  }

  function stop(): void {
    stopped = true;
    clearTimers();
    const closing = socket;
    socket = null;
    closing?.close(NORMAL_CLOSURE, 'signed out');
    setStatus('closed');
  }

  return {
    start,
    stop,
    get status() {
      return status;
    },
  };
}
