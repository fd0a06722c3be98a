import { randomUUID } from 'node:crypto';
import type { StreamMessage } from '@keel/contract';
import { inProcessBus } from '@keel/realtime';
import { describe, expect, it } from 'vitest';
import { openStream, SLOW_CLIENT_CLOSE_CODE, type StreamSocket } from './connection.ts';

function fakeSocket() {
  const socket = {
    sent: [] as string[],
    closed: null as { code: number; reason: string } | null,
    buffered: 0,
    send(text: string) {
      this.sent.push(text);
    },
    close(code: number, reason: string) {
      this.closed = { code, reason };
    },
    bufferedAmount() {
      return this.buffered;
    },
  };
  return socket satisfies StreamSocket;
}

const message = (channel: StreamMessage['channel'], data: unknown = 1): StreamMessage => ({
  channel,
  botId: null,
  time: 1,
  data,
});

describe('openStream', () => {
  it('forwards the user’s messages on the chosen channels, as published JSON', async () => {
    const bus = inProcessBus();
    const userId = randomUUID();
    const socket = fakeSocket();
    const stats = { delivered: 0, dropped: 0 };
    const close = openStream({ bus, userId, channels: new Set(['fills']), socket, maxBufferedBytes: 1024, stats });
    await bus.publish(userId, message('fills', { price: '1' }));
    await bus.publish(userId, message('prices'));
    await bus.publish(randomUUID(), message('fills'));
    expect(socket.sent.map((s) => JSON.parse(s))).toEqual([message('fills', { price: '1' })]);
    close();
    await bus.publish(userId, message('fills'));
    expect(socket.sent).toHaveLength(1);
    expect(stats).toEqual({ delivered: 1, dropped: 0 });
  });

  it('drops a client whose unsent data passes the bound, with 1013, and never buffers more for it', async () => {
    const bus = inProcessBus();
    const userId = randomUUID();
    const slow = fakeSocket();
    const fast = fakeSocket();
    const stats = { delivered: 0, dropped: 0 };
    const options = {
      bus,
      userId,
      channels: new Set<StreamMessage['channel']>(['prices']),
      maxBufferedBytes: 1000,
      stats,
    };
    openStream({ ...options, socket: slow });
    openStream({ ...options, socket: fast });
    for (let i = 0; i < 100; i++) {
      await bus.publish(userId, message('prices', i));
      slow.buffered += 60; // the slow client reads nothing
    }
    expect(slow.closed?.code).toBe(SLOW_CLIENT_CLOSE_CODE);
    expect(slow.sent.length).toBeLessThanOrEqual(Math.ceil(1000 / 60) + 1);
    expect(fast.sent).toHaveLength(100);
    expect(stats.dropped).toBe(1);
  });
});
