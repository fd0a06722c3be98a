/**
 * How the Redis bus uses Redis: a process that only publishes (a worker) never reads the stream back, reading
 * starts with the first subscription, which then misses nothing published after it, and a turn's messages travel
 * many to an entry. Counted by Redis itself (INFO commandstats) on a private server, which no other test talks to.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import { redisBus, type StreamBus, StreamGapError, type StreamMessage } from '../src/index.ts';
import { MESSAGES_PER_ENTRY } from '../src/redis-stream-writer.ts';
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

describeWithRedis('Redis stream bus: how it uses the stream', () => {
  let redis: PrivateRedis;
  const buses: StreamBus[] = [];

  function bus(options: Partial<Parameters<typeof redisBus>[0]> = {}): StreamBus {
    const opened = redisBus({ url: redis.url, streamKey, ...options });
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
    expect(await callsOf(redis.url, 'xadd')).toBeGreaterThan(0);
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

  it('carries a turn of publishes many to an entry, each delivered once and in order to its own user', async () => {
    redis = await privateRedis();
    await redis.start();
    const [worker, edge] = [bus(), bus()];
    const users = [randomUUID(), randomUUID(), randomUUID()];
    const received = new Map(users.map((user) => [user, [] as number[]]));
    for (const user of users)
      edge.subscribe(user, (message) => received.get(user)?.push((message.data as { i: number }).i));
    await edge.ready();
    const total = 3 * MESSAGES_PER_ENTRY + 7;
    await Promise.all(Array.from({ length: total }, (_, i) => worker.publish(users[i % 3] as string, numbered(i))));
    const deadline = Date.now() + 5_000;
    const count = () => [...received.values()].reduce((sum, list) => sum + list.length, 0);
    while (count() < total && Date.now() < deadline) await sleep(10);
    await sleep(200); // anything delivered twice would arrive by now
    users.forEach((user, u) => {
      expect(received.get(user)).toEqual(Array.from({ length: total }, (_, i) => i).filter((i) => i % 3 === u));
    });
    expect(await callsOf(redis.url, 'xadd')).toBe(Math.ceil(total / MESSAGES_PER_ENTRY));
  });

  it('reads entries of many messages as the writer makes them, reporting a gap between them and refusing a bad line', async () => {
    redis = await privateRedis();
    await redis.start();
    const errors: unknown[] = [];
    const edge = bus({ onHandlerError: (error) => errors.push(error) });
    const [user, other] = [randomUUID(), randomUUID()];
    const received: number[] = [];
    edge.subscribe(user, (message) => received.push((message.data as { i: number }).i));
    await edge.ready();
    const line = (owner: string, i: number) => `${owner} ${JSON.stringify(numbered(i))}`;
    const raw = new Redis(redis.url);
    const addEntry = (firstSeq: number, lines: string[]) =>
      raw.xadd(streamKey, '*', 'p', 'publisher-a', 's', String(firstSeq), 'b', lines.join('\n'));
    try {
      // Messages 1–3, then 4–6 trimmed away before this reader read them, then 7–9 with a line that has no user id.
      await addEntry(1, [line(user, 1), line(other, 2), line(user, 3)]);
      await addEntry(7, [line(user, 7), 'no-user-id', line(user, 9)]);
    } finally {
      raw.disconnect();
    }
    const deadline = Date.now() + 5_000;
    while (received.length < 4 && Date.now() < deadline) await sleep(10);
    await sleep(200); // anything delivered twice, or misread, would arrive by now
    expect(received).toEqual([1, 3, 7, 9]);
    expect(errors.map((error) => (error instanceof StreamGapError ? `gap ${error.missed}` : String(error)))).toEqual([
      'gap 3',
      expect.stringContaining('message 8 of publisher-a has no user id'),
    ]);
  });
});
