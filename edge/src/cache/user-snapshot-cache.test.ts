import { randomUUID } from 'node:crypto';
import { inProcessBus, type StreamBus, type StreamMessage } from '@keel/realtime';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type UserSnapshotCache, userSnapshotCache } from './user-snapshot-cache.ts';

const TTL_MS = 1000;
const CHANNELS = new Set(['equity', 'positions', 'fills'] as const);

/** What a read of the test's "database" returns: whose it is, which version it saw, when it started. */
interface Snapshot {
  userId: string;
  version: number;
  startedAtMs: number;
  readId: number;
}

class Clock {
  nowMs = 1_000_000;
  now = () => this.nowMs;
}

function message(channel: StreamMessage['channel']): StreamMessage {
  return { channel, botId: null, time: 0, data: { equityQuote: '1' } };
}

/** Lets promise callbacks and the bus's ready() settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A per-user versioned store whose reads finish only when the test says so. */
function slowStore() {
  const versions = new Map<string, number>();
  const pending: { snapshot: Snapshot; finish: () => void; fail: (error: Error) => void }[] = [];
  let reads = 0;
  return {
    versions,
    pending,
    get reads() {
      return reads;
    },
    read(userId: string, clock: Clock): () => Promise<Snapshot> {
      return () => {
        const snapshot = { userId, version: versions.get(userId) ?? 0, startedAtMs: clock.now(), readId: reads++ };
        return new Promise<Snapshot>((resolve, reject) => {
          pending.push({ snapshot, finish: () => resolve(snapshot), fail: reject });
        });
      };
    },
    change(userId: string) {
      versions.set(userId, (versions.get(userId) ?? 0) + 1);
    },
  };
}

/** A real in-process bus that counts live subscriptions and can hold back ready(). */
function countingBus(readyGate?: Promise<void>): StreamBus & { subscriptions: () => number } {
  const bus = inProcessBus();
  let live = 0;
  return {
    ...bus,
    subscribe(userId, handler) {
      live++;
      const unsubscribe = bus.subscribe(userId, handler);
      return () => {
        live--;
        unsubscribe();
      };
    },
    ready: () => readyGate ?? bus.ready(),
    subscriptions: () => live,
  };
}

function open(bus: StreamBus, clock: Clock, overrides: { ttlMs?: number; maxUsers?: number; idleMs?: number } = {}) {
  return userSnapshotCache<Snapshot>({
    bus,
    clock,
    ttlMs: TTL_MS,
    maxUsers: 100,
    invalidatedBy: CHANNELS,
    ...overrides,
  });
}

/**
 * A user's first read: nothing is kept from it, since it started before the bus confirmed the user's
 * subscription; after it the cache keeps answers.
 */
async function firstRead(
  cache: UserSnapshotCache<Snapshot>,
  store: ReturnType<typeof slowStore>,
  userId: string,
  clock: Clock,
) {
  await readNow(cache, store, userId, clock);
  await settle();
}

/** Asks, finishes every read started, and returns the answer. */
async function readNow(
  cache: UserSnapshotCache<Snapshot>,
  store: ReturnType<typeof slowStore>,
  userId: string,
  clock: Clock,
) {
  const answer = cache.get(userId, store.read(userId, clock));
  for (const read of store.pending.splice(0)) read.finish();
  const snapshot = await answer;
  await settle();
  return snapshot;
}

describe('userSnapshotCache', () => {
  it('never serves one user another’s answer, nor one older than a change it heard, nor one past its TTL', async () => {
    const users = Array.from({ length: 4 }, () => randomUUID());
    const user = fc.integer({ min: 0, max: users.length - 1 });
    const step = fc.oneof(
      fc.record({ kind: fc.constant('ask' as const), user }),
      fc.record({ kind: fc.constant('change' as const), user, channel: fc.constantFrom('equity', 'fills', 'prices') }),
      fc.record({ kind: fc.constant('finish' as const), pick: fc.nat(), fail: fc.boolean() }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 2 * TTL_MS }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 60 }), async (steps) => {
        const clock = new Clock();
        const bus = countingBus();
        const store = slowStore();
        const cache = open(bus, clock, { maxUsers: 3 });
        /** At which step each read finished; unfinished reads are absent. */
        const finishedAtStep = new Map<number, number>();
        const asked: {
          userId: string;
          versionThen: number;
          askedAtMs: number;
          askedAtStep: number;
          answer: Promise<Snapshot>;
        }[] = [];
        for (const [index, s] of steps.entries()) {
          if (s.kind === 'ask') {
            const userId = users[s.user] as string;
            const answer = cache.get(userId, store.read(userId, clock));
            answer.catch(() => {});
            asked.push({
              userId,
              versionThen: store.versions.get(userId) ?? 0,
              askedAtMs: clock.now(),
              askedAtStep: index,
              answer,
            });
          } else if (s.kind === 'change') {
            const userId = users[s.user] as string;
            // Prices do not change the figure: the store's version moves only for the channels that do.
            if (CHANNELS.has(s.channel as never)) store.change(userId);
            await bus.publish(userId, message(s.channel as StreamMessage['channel']));
          } else if (s.kind === 'finish' && store.pending.length > 0) {
            const [read] = store.pending.splice(s.pick % store.pending.length, 1);
            if (read === undefined) continue;
            finishedAtStep.set(read.snapshot.readId, index);
            if (s.fail) read.fail(new Error('database unavailable'));
            else read.finish();
          } else if (s.kind === 'advance') clock.nowMs += s.ms;
          await settle();
          expect(cache.size).toBeLessThanOrEqual(3);
        }
        for (const read of store.pending.splice(0)) read.finish();
        for (const { userId, versionThen, askedAtMs, askedAtStep, answer } of asked) {
          const snapshot = await answer.catch(() => null);
          if (snapshot === null) continue;
          expect(snapshot.userId).toBe(userId);
          expect(snapshot.version).toBe(versionThen);
          const finished = finishedAtStep.get(snapshot.readId);
          // Served from a read finished before the request: that read started less than the TTL before it.
          if (finished !== undefined && finished < askedAtStep)
            expect(askedAtMs - snapshot.startedAtMs).toBeLessThan(TTL_MS);
        }
        cache.close();
        expect(bus.subscriptions()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('serves a user’s snapshot until its TTL ends, then reads again', async () => {
    const clock = new Clock();
    const store = slowStore();
    const cache = open(countingBus(), clock);
    const user = randomUUID();
    await firstRead(cache, store, user, clock);
    const kept = await readNow(cache, store, user, clock);
    clock.nowMs += TTL_MS - 1;
    expect(await cache.get(user, store.read(user, clock))).toBe(kept);
    expect(store.reads).toBe(2);
    clock.nowMs += 1;
    const next = await readNow(cache, store, user, clock);
    expect(next.readId).toBe(2);
  });

  it('reads again after a change the worker publishes, and ignores channels that do not change the figure', async () => {
    const clock = new Clock();
    const bus = countingBus();
    const store = slowStore();
    const cache = open(bus, clock);
    const user = randomUUID();
    await firstRead(cache, store, user, clock);
    await readNow(cache, store, user, clock);
    await bus.publish(user, message('prices'));
    await readNow(cache, store, user, clock);
    expect(store.reads).toBe(2);
    store.change(user);
    await bus.publish(user, message('equity'));
    const after = await readNow(cache, store, user, clock);
    expect(store.reads).toBe(3);
    expect(after.version).toBe(1);
  });

  it('does not keep a read that was in flight when a change arrived, nor let later requests join it', async () => {
    const clock = new Clock();
    const bus = countingBus();
    const store = slowStore();
    const cache = open(bus, clock);
    const user = randomUUID();
    await firstRead(cache, store, user, clock);
    const before = cache.get(user, store.read(user, clock));
    store.change(user);
    await bus.publish(user, message('positions'));
    const after = cache.get(user, store.read(user, clock));
    expect(store.pending).toHaveLength(2);
    // The newer read finishes first: the older one, finishing last, must still not replace it.
    for (const read of store.pending.splice(0).reverse()) read.finish();
    expect((await before).version).toBe(0);
    expect((await after).version).toBe(1);
    await settle();
    expect((await readNow(cache, store, user, clock)).version).toBe(1);
    expect(store.reads).toBe(3); // the read that began after the change was kept
  });

  it('shares one read among concurrent requests of a user, and keeps nothing from a failed read', async () => {
    const clock = new Clock();
    const store = slowStore();
    const cache = open(countingBus(), clock);
    const user = randomUUID();
    const answers = [1, 2, 3].map(() => cache.get(user, store.read(user, clock)));
    expect(store.pending).toHaveLength(1);
    store.pending.splice(0)[0]?.fail(new Error('database unavailable'));
    for (const answer of answers) await expect(answer).rejects.toThrow('database unavailable');
    await settle();
    await readNow(cache, store, user, clock);
    expect(store.reads).toBe(2);
  });

  it('keeps nothing until the bus confirms the subscription', async () => {
    let confirm = () => {};
    const clock = new Clock();
    const store = slowStore();
    const cache = open(
      countingBus(
        new Promise((resolve) => {
          confirm = resolve;
        }),
      ),
      clock,
    );
    const user = randomUUID();
    await readNow(cache, store, user, clock);
    await readNow(cache, store, user, clock);
    expect(store.reads).toBe(2);
    confirm();
    await settle();
    await readNow(cache, store, user, clock);
    await readNow(cache, store, user, clock);
    expect(store.reads).toBe(3);
  });

  it('remembers at most maxUsers, forgetting (and unsubscribing) the least recently asked', async () => {
    const clock = new Clock();
    const bus = countingBus();
    const store = slowStore();
    const cache = open(bus, clock, { maxUsers: 3 });
    const users = Array.from({ length: 5 }, () => randomUUID());
    for (const user of users.slice(0, 3)) await firstRead(cache, store, user, clock);
    for (const user of users.slice(0, 3)) await readNow(cache, store, user, clock);
    expect(store.reads).toBe(6);
    await readNow(cache, store, users[0] as string, clock); // a hit: users[0] is now the most recent
    expect(store.reads).toBe(6);
    for (const user of users.slice(3)) await firstRead(cache, store, user, clock);
    expect(cache.size).toBe(3);
    expect(bus.subscriptions()).toBe(3);
    await readNow(cache, store, users[0] as string, clock);
    expect(store.reads).toBe(8); // still remembered
    await readNow(cache, store, users[1] as string, clock);
    expect(store.reads).toBe(9); // forgotten: read again
  });

  it('forgets users idle for idleMs', async () => {
    const clock = new Clock();
    const bus = countingBus();
    const store = slowStore();
    const cache = open(bus, clock, { idleMs: 10_000 });
    const [idle, active] = [randomUUID(), randomUUID()];
    await readNow(cache, store, idle, clock);
    clock.nowMs += 9_000;
    await readNow(cache, store, active, clock);
    clock.nowMs += 4_000; // idle users are swept every idleMs / 4
    await readNow(cache, store, active, clock);
    expect(cache.size).toBe(1);
    expect(bus.subscriptions()).toBe(1);
  });
});
