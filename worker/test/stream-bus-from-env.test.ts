/** The worker's stream bus from its environment: in process, or Redis with a queue bound whose drops are logged. */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { StreamMessage } from '@keel/realtime';
import { describe, expect, it } from 'vitest';
import { streamBusFromEnv } from '../src/bots/stream-bus-from-env.ts';
import { type LogLine, recordingLogger } from './recording-logger.ts';

const message = (i: number): StreamMessage => ({ channel: 'equity', botId: null, time: 1, data: { i } });

/** A loopback port nothing listens on: a Redis that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

describe('streamBusFromEnv', () => {
  it('is the in-process bus without REDIS_URL', async () => {
    const bus = streamBusFromEnv({}, recordingLogger([]));
    const user = randomUUID();
    const received: unknown[] = [];
    bus.subscribe(user, (m) => received.push(m.data));
    await bus.ready();
    await bus.publish(user, message(1));
    expect(received).toEqual([{ i: 1 }]);
    await bus.close();
  });

  it('refuses a KEEL_STREAM_QUEUE_MAX that is not a positive whole number, naming it', () => {
    for (const bad of ['0', '-5', '1.5', 'lots']) {
      expect(() =>
        streamBusFromEnv({ REDIS_URL: 'redis://127.0.0.1:1/0', KEEL_STREAM_QUEUE_MAX: bad }, recordingLogger([])),
      ).toThrow(new RegExp(`KEEL_STREAM_QUEUE_MAX must be a positive whole number of messages, got ${bad}`));
    }
  });

  it('keeps KEEL_STREAM_QUEUE_MAX messages while Redis is unreachable and logs how many older ones it dropped', async () => {
    const lines: LogLine[] = [];
    const env = { REDIS_URL: `redis://127.0.0.1:${await closedPort()}/0`, KEEL_STREAM_QUEUE_MAX: '2' };
    const bus = streamBusFromEnv(env, recordingLogger(lines));
    const user = randomUUID();
    const publishes = [1, 2, 3, 4, 5].map((i) =>
      bus.publish(user, message(i)).then(
        () => 'sent',
        () => 'dropped',
      ),
    );
    expect(await Promise.all(publishes.slice(0, 3))).toEqual(['dropped', 'dropped', 'dropped']);
    const deadline = Date.now() + 5_000;
    while (lines.length === 0 && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', fields: { dropped: 3 }, message: expect.stringMatching(/dropped/) }),
    ]);
    await bus.close();
  });
});
