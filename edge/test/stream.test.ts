/** The WebSocket stream on the Node server: authentication, per-user isolation, channels, slow-client drop. */
import { randomUUID } from 'node:crypto';
import { generateTransportKeyPair, keyringFromKeys } from '@keel/db';
import { inProcessBus, redisBus, type StreamBus } from '@keel/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { streamStatsOf } from '../src/app.ts';
import { hmacKey, signHs256 } from '../src/auth/jwt.ts';
import { memoryAuthStore } from '../src/auth/memory-auth-store.ts';
import { keyTransportFrom } from '../src/key-transport.ts';
import { type RunningEdge, startEdge } from '../src/node.ts';
import { silentLogger } from '../src/ports.ts';
import { closeTestDatabase, TEST_JWT_SECRET, testDatabase } from './harness.ts';

afterAll(closeTestDatabase);

async function accessToken(userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signHs256(
    { sub: userId, role: 'authenticated', aud: 'authenticated', exp: now + 600 },
    await hmacKey(TEST_JWT_SECRET),
  );
}

function connect(url: string): Promise<{ socket: WebSocket; received: string[]; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const received: string[] = [];
    socket.on('message', (data) => received.push(String(data)));
    const closed = new Promise<number>((done) => socket.on('close', (code) => done(code)));
    socket.once('open', () => resolve({ socket, received, closed }));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const kind of ['in-process', 'redis'] as const) {
  const describeKind = kind === 'redis' && !process.env.REDIS_URL ? describe.skip : describe;
  describeKind(`/v1/stream over the ${kind} bus`, () => {
    let edge: RunningEdge;
    let bus: StreamBus;
    let publisher: StreamBus;
    let wsUrl: string;

    beforeAll(async () => {
      const streamKey = `keel:test:stream:${randomUUID()}`;
      bus = kind === 'redis' ? redisBus({ url: process.env.REDIS_URL as string, streamKey }) : inProcessBus();
      // The worker's side: its own connection when on Redis.
      publisher = kind === 'redis' ? redisBus({ url: process.env.REDIS_URL as string, streamKey }) : bus;
      const { privateKey } = await generateTransportKeyPair('stream-test');
      edge = await startEdge({
        database: await testDatabase(),
        bus,
        env: { JWT_SECRET: TEST_JWT_SECRET },
        port: 0,
        logger: silentLogger,
        authStore: memoryAuthStore(),
        keyTransport: keyTransportFrom(keyringFromKeys({ id: 'k1', key: Buffer.alloc(32, 3) }), privateKey),
        config: { stream: { maxBufferedBytes: 256 * 1024, maxConnectionsPerUser: 3 } },
      });
      wsUrl = edge.url.replace('http', 'ws');
    });
    afterAll(async () => {
      await edge?.close();
      if (publisher !== bus) await publisher?.close();
      await bus?.close();
    });

    it('refuses a connection without a valid token, and plain HTTP', async () => {
      await expect(connect(`${wsUrl}/v1/stream`)).rejects.toThrow('HTTP 401');
      await expect(connect(`${wsUrl}/v1/stream?access_token=nonsense`)).rejects.toThrow('HTTP 401');
      const token = await accessToken(randomUUID());
      await expect(connect(`${wsUrl}/v1/stream?access_token=${token}&channels=gossip`)).rejects.toThrow('HTTP 400');
      expect((await fetch(`${edge.url}/v1/stream?access_token=${token}`)).status).toBe(426);
    });

    it('delivers a user’s messages on the chosen channels to that user only', async () => {
      const [alice, bob] = [randomUUID(), randomUUID()];
      const a = await connect(`${wsUrl}/v1/stream?access_token=${await accessToken(alice)}&channels=fills,equity`);
      const b = await connect(`${wsUrl}/v1/stream?access_token=${await accessToken(bob)}`);
      await bus.ready();
      await publisher.publish(alice, { channel: 'fills', botId: null, time: 1, data: { n: 1 } });
      await publisher.publish(alice, { channel: 'prices', botId: null, time: 2, data: { n: 2 } });
      await publisher.publish(alice, { channel: 'equity', botId: null, time: 3, data: { n: 3 } });
      await publisher.publish(bob, { channel: 'alerts', botId: null, time: 4, data: { n: 4 } });
      await until(() => a.received.length === 2 && b.received.length === 1, 'messages');
      expect(a.received.map((m) => JSON.parse(m).data.n)).toEqual([1, 3]);
      expect(JSON.parse(b.received[0] as string).data.n).toBe(4);
      a.socket.close();
      b.socket.close();
    });

    it('limits streams per user (1008)', async () => {
      const user = randomUUID();
      const url = `${wsUrl}/v1/stream?access_token=${await accessToken(user)}`;
      const open = [await connect(url), await connect(url), await connect(url)];
      const fourth = await connect(url);
      expect(await fourth.closed).toBe(1008);
      for (const s of open) s.socket.close();
    });

    it('drops a client that stops reading (1013) instead of buffering for it, and keeps serving the others', async () => {
      const user = randomUUID();
      const url = `${wsUrl}/v1/stream?access_token=${await accessToken(user)}&channels=prices`;
      const slow = await connect(url);
      const healthy = await connect(url);
      await bus.ready();
      const socket = (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      socket.pause();
      const droppedBefore = streamStatsOf(edge.app).dropped;
      const payload = 'x'.repeat(16 * 1024);
      for (let i = 0; i < 600 && streamStatsOf(edge.app).dropped === droppedBefore; i++) {
        await publisher.publish(user, { channel: 'prices', botId: null, time: i, data: payload });
        if (i % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await until(() => streamStatsOf(edge.app).dropped === droppedBefore + 1, 'the slow client to be dropped');
      socket.resume();
      expect(await slow.closed).toBe(1013);
      await publisher.publish(user, { channel: 'prices', botId: null, time: -1, data: 'after' });
      await until(() => healthy.received.at(-1)?.includes('"after"') === true, 'the healthy client to keep receiving');
      healthy.socket.close();
    });
  });
}
