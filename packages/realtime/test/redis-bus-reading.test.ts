/**
 * When the Redis bus reads the stream: a process that only publishes (a worker) never reads it back, and reading
 * starts with the first subscription, which then misses nothing published after it. Counted by Redis itself
 * (INFO commandstats) on a private server, which no other test talks to.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { redisBus, type StreamBus, type StreamMessage } from '../src/index.ts';
import { describeWithRedis, type PrivateRedis, privateRedis } from './private-redis.ts';

const streamKey = 'keel:test:reading';

function numbered(i: number): StreamMessage {
  return { channel: 'prices', botId: null, time: Date.now(), data: { i } };
}

/** Calls of `command` the server has answered since it started. */
async function callsOf(url: string, command: string): Promise<number> {
  const client = new Redis(url);
  try {
    const stats = await client.info('commandstats');
    return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
  } finally {
    client.disconnect();
  }
}

describeWithRedis('Redis stream bus: reading only when asked', () => {
  let redis: PrivateRedis;
  const buses: StreamBus[] = [];

  function bus(): StreamBus {
    const opened = redisBus({ url: redis.url, streamKey });
    buses.push(opened);
    return opened;
  }

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((opened) => opened.close()));
    await redis?.stop();
  });

  it('publishes without reading back, then reads from the first subscription on and misses nothing after it', async () => {
    redis = await privateRedis();
    await redis.start();
    const publisher = bus();
    const user = randomUUID();
    await Promise.all(Array.from({ length: 50 }, (_, i) => publisher.publish(user, numbered(i))));
    await sleep(200); // a reading loop would have blocked in XREAD by now
    expect(await callsOf(redis.url, 'xadd')).toBe(50);
    expect(await callsOf(redis.url, 'xread')).toBe(0);
    expect(await publisher.health()).toBe('up');

    const received: number[] = [];
    publisher.subscribe(user, (message) => received.push((message.data as { i: number }).i));
    await publisher.ready();
    await Promise.all(Array.from({ length: 50 }, (_, i) => publisher.publish(user, numbered(50 + i))));
    const deadline = Date.now() + 5_000;
    while (received.length < 50 && Date.now() < deadline) await sleep(10);
    expect(received).toEqual(Array.from({ length: 50 }, (_, i) => 50 + i));
    expect(await callsOf(redis.url, 'xread')).toBeGreaterThan(0);
    expect(await publisher.health()).toBe('up');
  });
});
