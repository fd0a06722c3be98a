import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay } from './backoff.ts';
import { createStreamClient, parseFrame, type SocketLike, type StreamMessage, streamUrl } from './stream-client.ts';

class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: SocketLike['onopen'] = null;
  onclose: SocketLike['onclose'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onerror: SocketLike['onerror'] = null;
  sent: string[] = [];
  closedWith: number | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close(code = 1000) {
    this.closedWith = code;
    this.readyState = 3;
  }
  serverOpens() {
    this.readyState = 1;
    this.onopen?.({});
  }
  serverSends(data: string) {
    this.onmessage?.({ data });
  }
  serverCloses(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

function harness(token: (afterFailure: boolean) => string | null = () => 'token-1') {
  const sockets: FakeSocket[] = [];
  const messages: StreamMessage[] = [];
  const statuses: string[] = [];
  const opens: boolean[] = [];
  const client = createStreamClient({
    baseUrl: 'https://api.keel.test',
    accessToken: async (afterFailure) => token(afterFailure),
    channels: ['fills', 'equity'],
    onMessage: (message) => messages.push(message),
    onStatus: (status) => statuses.push(status),
    onOpen: (reconnected) => opens.push(reconnected),
    socket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: () => 1,
    backoff: { initialMs: 100, maxMs: 1000, factor: 2 },
  });
  return { client, sockets, messages, statuses, opens };
}

const last = <T>(items: T[]): T => items[items.length - 1] as T;

describe('the stream client', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects with the token and channels in the URL and delivers messages', async () => {
    const { client, sockets, messages, statuses } = harness();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets[0]?.url).toBe('wss://api.keel.test/v1/stream?access_token=token-1&channels=fills%2Cequity');
    sockets[0]?.serverOpens();
    sockets[0]?.serverSends(JSON.stringify({ channel: 'fills', botId: 'b1', time: 5, data: { price: '1' } }));
    sockets[0]?.serverSends('pong');
    sockets[0]?.serverSends('{not json');
    expect(messages).toEqual([{ channel: 'fills', botId: 'b1', time: 5, data: { price: '1' } }]);
    expect(statuses).toEqual(['connecting', 'open']);
  });

  it('pings while open so idle proxies keep the connection', async () => {
    const { client, sockets } = harness();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    sockets[0]?.serverOpens();
    await vi.advanceTimersByTimeAsync(25_000 * 2);
    expect(sockets[0]?.sent).toEqual(['ping', 'ping']);
  });

  it('reconnects with growing delays, with a fresh token, and says when it has reconnected', async () => {
    let token = 'token-1';
    const { client, sockets, statuses, opens } = harness(() => token);
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    sockets[0]?.serverOpens();
    sockets[0]?.serverCloses();
    expect(last(statuses)).toBe('reconnecting');
    token = 'token-2';
    await vi.advanceTimersByTimeAsync(99);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    expect(sockets[1]?.url).toContain('access_token=token-2');
    sockets[1]?.serverCloses();
    await vi.advanceTimersByTimeAsync(199);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(3);
    sockets[2]?.serverOpens();
    expect(opens).toEqual([false, true]);
  });

  it('starts the backoff afresh after a connection that stayed up', async () => {
    const { client, sockets } = harness();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    sockets[0]?.serverCloses();
    await vi.advanceTimersByTimeAsync(100);
    sockets[1]?.serverCloses();
    await vi.advanceTimersByTimeAsync(200);
    sockets[2]?.serverOpens();
    await vi.advanceTimersByTimeAsync(60_000);
    sockets[2]?.serverCloses();
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(4);
  });

  it('stops for good on stop(), and when the session has no token', async () => {
    const { client, sockets, statuses } = harness();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    sockets[0]?.serverOpens();
    client.stop();
    expect(sockets[0]?.closedWith).toBe(1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    expect(last(statuses)).toBe('closed');

    const signedOut = harness(() => null);
    signedOut.client.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(signedOut.sockets).toHaveLength(0);
    expect(signedOut.client.status).toBe('closed');
  });

  it('asks for a renewed token after an attempt that never opened', async () => {
    const asked: boolean[] = [];
    const { client, sockets } = harness((afterFailure) => {
      asked.push(afterFailure);
      return 'token';
    });
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    sockets[0]?.serverCloses();
    await vi.advanceTimersByTimeAsync(100);
    sockets[1]?.serverOpens();
    sockets[1]?.serverCloses();
    await vi.advanceTimersByTimeAsync(200);
    expect(asked).toEqual([false, true, false]);
  });
});

describe('helpers', () => {
  it('builds ws:// URLs for http APIs', () => {
    expect(streamUrl('http://localhost:8787', 't')).toBe('ws://localhost:8787/v1/stream?access_token=t');
  });

  it('keeps backoff delays within a tenth of the bound and the bound, capped', () => {
    expect(backoffDelay(0, { initialMs: 100 }, () => 0)).toBe(10);
    expect(backoffDelay(3, { initialMs: 100 }, () => 1)).toBe(800);
    expect(backoffDelay(30, { initialMs: 100, maxMs: 5000 }, () => 1)).toBe(5000);
  });

  it('refuses frames that are not stream messages', () => {
    expect(parseFrame(JSON.stringify({ channel: 'fills' }))).toBeNull();
    expect(parseFrame(JSON.stringify([1, 2]))).toBeNull();
    expect(parseFrame(JSON.stringify({ channel: 'bots', botId: null, time: 1, data: null }))).toEqual({
      channel: 'bots',
      botId: null,
      time: 1,
      data: null,
    });
  });
});
