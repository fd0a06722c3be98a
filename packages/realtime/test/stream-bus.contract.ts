/** One contract for every StreamBus: what the edge relies on, proven alike for the in-process and Redis buses. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamBus, StreamMessage } from '../src/index.ts';

function message(channel: StreamMessage['channel'], data: unknown): StreamMessage {
  return { channel, botId: null, time: Date.now(), data };
}

/** Waits until `received` has `count` entries (Redis delivers asynchronously), or fails after 5 s. */
async function waitFor<T>(received: T[], count: number): Promise<T[]> {
  const deadline = Date.now() + 5000;
  while (received.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${received.length}/${count} messages arrived`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return received;
}

/** Lets anything that would (wrongly) arrive arrive: one Redis round trip plus slack. */
function quietPeriod(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

export function streamBusContract(
  name: string,
  open: () => Promise<{ publisherSide: StreamBus; subscriberSide: StreamBus; close(): Promise<void> }>,
) {
  describe(`StreamBus contract: ${name}`, () => {
    let buses: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      buses = await open();
    });
    afterAll(async () => {
      await buses?.close();
    });

    it('delivers a user’s messages to that user’s subscribers only, in order, with their JSON text', async () => {
      const alice = randomUUID();
      const bob = randomUUID();
      const forAlice: [StreamMessage, string][] = [];
      const forBob: StreamMessage[] = [];
      const stopAlice = buses.subscriberSide.subscribe(alice, (m, json) => forAlice.push([m, json]));
      const stopBob = buses.subscriberSide.subscribe(bob, (m) => forBob.push(m));
      await buses.subscriberSide.ready();
      for (let i = 0; i < 20; i++) await buses.publisherSide.publish(alice, message('fills', { i }));
      await waitFor(forAlice, 20);
      await quietPeriod();
      expect(forAlice.map(([m]) => (m.data as { i: number }).i)).toEqual([...Array(20).keys()]);
      expect(JSON.parse(forAlice[0]?.[1] as string)).toEqual(forAlice[0]?.[0]);
      expect(forBob).toEqual([]);
      stopAlice();
      stopBob();
    });

    it('fans one message out to every subscriber of the user, and stops at unsubscribe', async () => {
      const user = randomUUID();
      const first: StreamMessage[] = [];
      const second: StreamMessage[] = [];
      const stopFirst = buses.subscriberSide.subscribe(user, (m) => first.push(m));
      const stopSecond = buses.subscriberSide.subscribe(user, (m) => second.push(m));
      await buses.subscriberSide.ready();
      await buses.publisherSide.publish(user, message('equity', 1));
      await waitFor(first, 1);
      await waitFor(second, 1);
      stopFirst();
      await buses.subscriberSide.ready();
      await buses.publisherSide.publish(user, message('equity', 2));
      await waitFor(second, 2);
      await quietPeriod();
      expect(first).toHaveLength(1);
      stopSecond();
      await buses.subscriberSide.ready();
      await buses.publisherSide.publish(user, message('equity', 3));
      await quietPeriod();
      expect(second).toHaveLength(2);
    });

    it('isolates a throwing subscriber from the others', async () => {
      const user = randomUUID();
      const received: StreamMessage[] = [];
      const stopBad = buses.subscriberSide.subscribe(user, () => {
        throw new Error('subscriber bug');
      });
      const stopGood = buses.subscriberSide.subscribe(user, (m) => received.push(m));
      await buses.subscriberSide.ready();
      await buses.publisherSide.publish(user, message('alerts', 'x'));
      await waitFor(received, 1);
      stopBad();
      stopGood();
    });

    it('does not deliver to a subscriber what was published before it subscribed', async () => {
      const user = randomUUID();
      for (let i = 0; i < 5; i++) await buses.publisherSide.publish(user, message('fills', { i }));
      const received: number[] = [];
      const stop = buses.subscriberSide.subscribe(user, (m) => received.push((m.data as { i: number }).i));
      await buses.subscriberSide.ready();
      await buses.publisherSide.publish(user, message('fills', { i: 5 }));
      await waitFor(received, 1);
      await quietPeriod();
      expect(received).toEqual([5]);
      stop();
    });

    it('delivers each message once to a subscriber, however many users and publishes are interleaved', async () => {
      const users = [randomUUID(), randomUUID(), randomUUID()];
      const received = new Map<string, number[]>(users.map((user) => [user, []]));
      const stops = users.map((user) =>
        buses.subscriberSide.subscribe(user, (m) => received.get(user)?.push((m.data as { i: number }).i)),
      );
      await buses.subscriberSide.ready();
      const publishes: Promise<void>[] = [];
      for (let i = 0; i < 300; i++) {
        publishes.push(buses.publisherSide.publish(users[i % 3] as string, message('prices', { i })));
      }
      await Promise.all(publishes);
      for (const user of users) await waitFor(received.get(user) as number[], 100);
      await quietPeriod();
      users.forEach((user, u) => {
        expect(received.get(user)).toEqual([...Array(100).keys()].map((k) => k * 3 + u));
      });
      for (const stop of stops) stop();
    });

    it('refuses what is not a StreamMessage, and a user id that is not a uuid, at publish', async () => {
      await expect(
        buses.publisherSide.publish(randomUUID(), { channel: 'gossip', botId: null, time: 1, data: 1 } as never),
      ).rejects.toThrow(/channel/);
      await expect(buses.publisherSide.publish('*', message('fills', 1))).rejects.toThrow(/uuid/);
    });

    it('reports itself up', async () => {
      expect(await buses.publisherSide.health()).toBe('up');
      expect(await buses.subscriberSide.health()).toBe('up');
    });
  });
}
