/**
 * The Redis bus through Redis outages, on a redis-server of the test's own (private-redis.ts) stopped and started
 * empty, as `scripts/services.sh down redis` / `up redis` and a crash do: every message is delivered once and in
 * order, and a publisher's queue stays within its bound, dropping the oldest and saying how many.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, expect, it } from 'vitest';
import {
  redisBus,
  type StreamBus,
  StreamGapError,
  type StreamMessage,
  StreamMessageDroppedError,
} from '../src/index.ts';
import { describeWithRedis, type PrivateRedis, type PrivateRedisOptions, privateRedis } from './private-redis.ts';

function numbered(i: number): StreamMessage {
  return { channel: 'prices', botId: null, time: Date.now(), data: { i } };
}

function numberOf(message: StreamMessage): number {
  return (message.data as { i: number }).i;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

/** Waits until `received` has `count` entries, or fails after `timeoutMs` saying how many came. */
async function waitFor(received: unknown[], count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (received.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${received.length}/${count} messages arrived`);
    await sleep(10);
  }
}

/** Lets anything that would (wrongly) arrive late, or twice, arrive. */
const quietPeriod = () => sleep(300);

describeWithRedis('Redis stream bus through Redis outages', () => {
  let redis: PrivateRedis;
  const buses: StreamBus[] = [];
  const streamKey = 'keel:test:outage';

  async function start(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
    redis = await privateRedis(options);
    await redis.start();
    return redis;
  }

  function bus(options: Partial<Parameters<typeof redisBus>[0]> = {}): StreamBus {
    const opened = redisBus({ url: redis.url, streamKey, ...options });
    buses.push(opened);
    return opened;
  }

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((opened) => opened.close()));
    await redis?.stop();
  });

  it('delivers every message once and in order while Redis is stopped and started empty mid-stream', async () => {
    await start();
    const worker = bus();
    const edge = bus();
    const [alice, bob] = [randomUUID(), randomUUID()];
    const received = new Map<string, number[]>([
      [alice, []],
      [bob, []],
    ]);
    for (const user of [alice, bob]) edge.subscribe(user, (message) => received.get(user)?.push(numberOf(message)));
    await edge.ready();

    const total = 2_000;
    const publishes: Promise<void>[] = [];
    let down = false;
    for (let i = 0; i < total; i++) {
      publishes.push(worker.publish(i % 2 === 0 ? alice : bob, numbered(i)));
      if (i === 600) {
        await redis.stop();
        down = true;
      }
      if (i === 1_200) {
        await redis.start();
        down = false;
      }
      // About 0.6 s of publishing into the outage; quicker around it.
      if (i % 20 === 0) await sleep(down ? 20 : 2);
    }
    await Promise.all(publishes);
    await waitFor(received.get(alice) as number[], total / 2);
    await waitFor(received.get(bob) as number[], total / 2);
    await quietPeriod();
    expect(received.get(alice)).toEqual(range(0, total).filter((i) => i % 2 === 0));
    expect(received.get(bob)).toEqual(range(0, total).filter((i) => i % 2 === 1));
    expect(await worker.health()).toBe('up');
    expect(await edge.health()).toBe('up');
  });

  it('sends again what Redis took but no reader had read when it died', async () => {
    await start();
    const edge = bus();
    const user = randomUUID();
    const received: number[] = [];
    let crashed = false;
    edge.subscribe(user, (message) => {
      received.push(numberOf(message));
      if (crashed || numberOf(message) !== 50) return;
      // The edge stalls (a long GC pause, a busy event loop) while the worker, in its own process, keeps
      // publishing into the stream; then Redis dies with those entries unread, and comes back empty.
      crashed = true;
      const stalledUntil = Date.now() + 300;
      while (Date.now() < stalledUntil) {
        // busy: this process reads nothing
      }
      redis.kill();
      void sleep(300).then(() => redis.start());
    });
    await edge.ready();
    const total = 300;
    const worker = spawn(
      process.execPath,
      [join(import.meta.dirname, 'publishing-process.ts'), redis.url, streamKey, user, String(total), '5'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let report = '';
    worker.stdout.on('data', (chunk: Buffer) => {
      report += chunk;
    });
    const exitCode = await new Promise((done) => worker.once('exit', done));
    expect(exitCode).toBe(0);
    expect(JSON.parse(report)).toEqual({ rejected: 0 });
    await waitFor(received, total);
    await quietPeriod();
    expect(crashed).toBe(true);
    expect(received).toEqual(range(0, total));
  });

  it('reads a restarted Redis’s stream from its start even when its ids are below the last one read', async () => {
    await start();
    const worker = bus();
    const edge = bus();
    const [user, other] = [randomUUID(), randomUUID()];
    const received: number[] = [];
    const forOther: number[] = [];
    edge.subscribe(user, (message) => received.push(numberOf(message)));
    edge.subscribe(other, (message) => forOther.push(numberOf(message)));
    await edge.ready();
    // An entry far in the future (another writer's clock): every id after it in this stream is higher still.
    const raw = new Redis(redis.url);
    const future = JSON.stringify(numbered(-1));
    await raw.xadd(streamKey, '99999999999999-0', 'u', other, 'p', 'clock-ahead', 's', '1', 'm', future);
    raw.disconnect();
    await waitFor(forOther, 1);
    for (let i = 0; i < 10; i++) await worker.publish(user, numbered(i));
    await waitFor(received, 10);

    await redis.stop();
    await redis.start();
    for (let i = 10; i < 20; i++) await worker.publish(user, numbered(i));
    await waitFor(received, 20);
    await quietPeriod();
    // 0–9 were also sent again to the new server (they might have been unread); the reader drops the repeats.
    expect(received).toEqual(range(0, 20));
  });

  it('reads on where it was when Redis restarts with its data, and delivers nothing from before a subscription', async () => {
    await start({ persistent: true });
    const user = randomUUID();
    // A worker that published and went away before the edge started: its messages are in the stream, never read.
    const earlier = bus();
    for (let i = 0; i < 10; i++) await earlier.publish(user, numbered(i));
    await earlier.close();
    const worker = bus();
    const edge = bus();
    const received: number[] = [];
    edge.subscribe(user, (message) => received.push(numberOf(message)));
    await edge.ready();
    for (let i = 10; i < 15; i++) await worker.publish(user, numbered(i));
    await waitFor(received, 5);

    await redis.stop();
    await redis.start();
    for (let i = 15; i < 20; i++) await worker.publish(user, numbered(i));
    await waitFor(received, 10);
    await quietPeriod();
    expect(received).toEqual(range(10, 20));
  });

  it('keeps at most maxQueuedMessages while Redis is down: the oldest go, their publishes reject, the count is reported', async () => {
    await start();
    const dropReports: number[] = [];
    const worker = bus({ maxQueuedMessages: 100, onDrop: (dropped) => dropReports.push(dropped) });
    const readerErrors: unknown[] = [];
    const edge = bus({ onHandlerError: (error) => readerErrors.push(error) });
    const user = randomUUID();
    const received: number[] = [];
    edge.subscribe(user, (message) => received.push(numberOf(message)));
    await edge.ready();
    for (let i = 0; i < 10; i++) await worker.publish(user, numbered(i));
    await waitFor(received, 10);

    await redis.stop();
    expect(await worker.health()).toBe('down');
    const publishes = range(10, 260).map((i) => worker.publish(user, numbered(i)));
    const oldest = await Promise.allSettled(publishes.slice(0, 150));
    expect(oldest.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect((oldest[0] as PromiseRejectedResult).reason).toBeInstanceOf(StreamMessageDroppedError);

    await redis.start();
    await Promise.all(publishes.slice(150));
    await waitFor(received, 110);
    await quietPeriod();
    expect(received).toEqual([...range(0, 10), ...range(160, 260)]);
    const deadline = Date.now() + 5_000;
    while (dropReports.reduce((sum, n) => sum + n, 0) < 150 && Date.now() < deadline) await sleep(50);
    expect(dropReports.reduce((sum, n) => sum + n, 0)).toBe(150);
    // The reading side says so too: the publisher's sequence jumped by the 150 it never got.
    expect(readerErrors).toHaveLength(1);
    expect(readerErrors[0]).toBeInstanceOf(StreamGapError);
    expect((readerErrors[0] as StreamGapError).missed).toBe(150);
  });

  it('reports entries trimmed from the stream before the reader read them, and delivers the rest', async () => {
    await start();
    const readerErrors: unknown[] = [];
    const edge = bus({ onHandlerError: (error) => readerErrors.push(error) });
    const user = randomUUID();
    const received: number[] = [];
    edge.subscribe(user, (message) => received.push(numberOf(message)));
    await edge.ready();
    // A publisher's entries as the writer adds them, with 3..6 gone (MAXLEN trimmed them while the reader lagged).
    const raw = new Redis(redis.url);
    try {
      for (const seq of [1, 2, 7, 8]) {
        await raw.xadd(
          streamKey,
          '*',
          'u',
          user,
          'p',
          'publisher-a',
          's',
          String(seq),
          'm',
          JSON.stringify(numbered(seq)),
        );
      }
    } finally {
      raw.disconnect();
    }
    await waitFor(received, 4);
    await quietPeriod();
    expect(received).toEqual([1, 2, 7, 8]);
    expect(readerErrors.map((error) => (error as StreamGapError).missed)).toEqual([4]);
  });
});
