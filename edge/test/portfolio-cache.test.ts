/**
 * GET /v1/portfolio's per-user snapshot cache end to end: the real app, database and (with REDIS_URL) the Redis
 * stream bus the worker publishes on. Equity is written as the worker writes it (service role) and announced as
 * the worker announces it (an `equity` message on the bus).
 */
import { randomUUID } from 'node:crypto';
import { inProcessBus, redisBus, type StreamBus } from '@keel/realtime';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { closeTestDatabase, type Harness, harness, json, signUp, type TestUser } from './harness.ts';

const buses: StreamBus[] = [];
afterAll(async () => {
  await Promise.all(buses.map((bus) => bus.close()));
  await closeTestDatabase();
});

/** The Redis bus when REDIS_URL is set (as under npm test), the in-process one otherwise. */
function streamBus(): StreamBus {
  const url = process.env.REDIS_URL;
  const bus = url ? redisBus({ url, streamKey: `keel:test:portfolio:${randomUUID()}` }) : inProcessBus();
  buses.push(bus);
  return bus;
}

interface Owner extends TestUser {
  botId: string;
}

async function owner(h: Harness, label: string): Promise<Owner> {
  const user = await signUp(h, label);
  const response = await h.request('POST', '/v1/bots', {
    token: user.token,
    body: { name: `${label} bot`, symbols: ['BTC-USDT'] },
  });
  if (response.status !== 201) throw new Error(`bot: ${response.status} ${await response.text()}`);
  return { ...user, botId: (await json<{ id: string }>(response)).id };
}

let snapshotTime = Date.now() - 3_600_000;

/** What the worker does on a fill: a new equity snapshot in the database, and no announcement. */
async function writeEquity(h: Harness, user: Owner, equityQuote: string): Promise<void> {
  snapshotTime += 1000;
  await h.deps.database.asService((tx) =>
    tx.equity.insertMany([
      { userId: user.userId, botId: user.botId, time: snapshotTime, equityQuote, cashQuote: '100' },
    ]),
  );
}

/** The worker's announcement; resolves once this process's bus has delivered it to every local subscriber. */
async function announceEquity(bus: StreamBus, user: Owner, equityQuote: string): Promise<void> {
  let delivered = () => {};
  const arrived = new Promise<void>((resolve) => {
    delivered = resolve;
  });
  const unsubscribe = bus.subscribe(user.userId, () => delivered());
  await bus.ready();
  await bus.publish(user.userId, { channel: 'equity', botId: user.botId, time: snapshotTime, data: { equityQuote } });
  await arrived;
  unsubscribe();
}

async function equityOf(h: Harness, user: TestUser): Promise<string> {
  const response = await h.request('GET', '/v1/portfolio', { token: user.token });
  expect(response.status).toBe(200);
  return (await json<{ equityQuote: string }>(response)).equityQuote;
}

/** Reads until the cache keeps answers: the first read of a user starts before the bus confirms the subscription. */
async function cached(h: Harness, user: Owner): Promise<string> {
  await equityOf(h, user);
  await h.deps.bus.ready();
  return equityOf(h, user);
}

describe('GET /v1/portfolio snapshot cache', () => {
  it('never answers one user with another’s portfolio, whatever the interleaving of reads and changes', async () => {
    const h = await harness({ bus: streamBus(), config: { portfolioCache: { ttlMs: 60_000, maxUsers: 2 } } });
    const users = [await owner(h, 'cache-a'), await owner(h, 'cache-b'), await owner(h, 'cache-c')];
    const equity = new Map<string, string>();
    for (const [i, user] of users.entries()) {
      equity.set(user.userId, `${1000 + i}`);
      await writeEquity(h, user, `${1000 + i}`);
    }
    let changes = 0;
    const step = fc.oneof(
      fc.record({ readers: fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 8 }) }),
      fc.record({ change: fc.nat({ max: 2 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        for (const s of steps) {
          if ('change' in s) {
            const user = users[s.change] as Owner;
            const next = `${2000 + ++changes}`;
            await writeEquity(h, user, next);
            await announceEquity(h.deps.bus, user, next);
            equity.set(user.userId, next);
            continue;
          }
          const readers = s.readers.map((i) => users[i] as Owner);
          const answers = await Promise.all(readers.map((user) => equityOf(h, user)));
          for (const [i, user] of readers.entries()) expect(answers[i]).toBe(equity.get(user.userId));
        }
      }),
      { numRuns: 12 },
    );
  });

  it('keeps answering from the snapshot until the worker announces a change, then reads the new numbers', async () => {
    const h = await harness({ bus: streamBus(), config: { portfolioCache: { ttlMs: 60_000, maxUsers: 100 } } });
    const user = await owner(h, 'cache-announce');
    await writeEquity(h, user, '5000');
    expect(await cached(h, user)).toBe('5000');
    await writeEquity(h, user, '5100');
    expect(await equityOf(h, user)).toBe('5000'); // unannounced: the snapshot stands (this is the cache at work)
    await announceEquity(h.deps.bus, user, '5100');
    expect(await equityOf(h, user)).toBe('5100');
  });

  it('reads afresh once the TTL has passed, announced or not', async () => {
    const h = await harness({ bus: streamBus(), config: { portfolioCache: { ttlMs: 1000, maxUsers: 100 } } });
    const user = await owner(h, 'cache-ttl');
    await writeEquity(h, user, '7000');
    expect(await cached(h, user)).toBe('7000');
    await writeEquity(h, user, '7250.5');
    h.clock.advance(999);
    expect(await equityOf(h, user)).toBe('7000');
    h.clock.advance(1);
    expect(await equityOf(h, user)).toBe('7250.5');
  });

  it('reads afresh after the user’s own write through the API', async () => {
    const h = await harness({ bus: streamBus(), config: { portfolioCache: { ttlMs: 60_000, maxUsers: 100 } } });
    const user = await owner(h, 'cache-write');
    await writeEquity(h, user, '3000');
    expect(await cached(h, user)).toBe('3000');
    // A second paper bot with no snapshot yet counts at its starting cash.
    const created = await h.request('POST', '/v1/bots', {
      token: user.token,
      body: { name: 'second', symbols: ['ETH-USDT'], initialCashQuote: '500' },
    });
    expect(created.status).toBe(201);
    expect(await equityOf(h, user)).toBe('3500');
  });

  it('remembers at most maxUsers users: a forgotten user is read afresh', async () => {
    const h = await harness({ bus: streamBus(), config: { portfolioCache: { ttlMs: 60_000, maxUsers: 1 } } });
    const [first, second] = [await owner(h, 'cache-lru-1'), await owner(h, 'cache-lru-2')];
    await writeEquity(h, first, '100');
    await writeEquity(h, second, '200');
    expect(await cached(h, first)).toBe('100');
    await writeEquity(h, first, '150');
    expect(await equityOf(h, first)).toBe('100');
    expect(await equityOf(h, second)).toBe('200'); // pushes the first user out
    expect(await equityOf(h, first)).toBe('150');
  });

  it('tells API users the consistency rule in the OpenAPI document', async () => {
    const h = await harness({ config: { portfolioCache: { ttlMs: 1000, maxUsers: 100 } } });
    const document = await json<{ paths: Record<string, { get: { description: string } }> }>(
      await h.request('GET', '/v1/openapi.json'),
    );
    expect(document.paths['/v1/portfolio']?.get.description).toMatch(/at most 1000 ms.*read afresh/s);
  });
});
