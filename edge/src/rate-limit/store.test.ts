import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryRateLimitStore } from './memory-store.ts';
import { redisRateLimitStore } from './redis-store.ts';
import { decide, estimate } from './sliding-window.ts';
import { rateLimitStoreContract } from './store.contract.ts';

rateLimitStoreContract('in process', memoryRateLimitStore, () => randomUUID());

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  const redis = new Redis(redisUrl);
  afterAll(() => redis.quit());
  const prefix = `keel:test:rl:${randomUUID()}:`;
  const store = redisRateLimitStore(redis, prefix);
  rateLimitStoreContract(
    'Redis',
    () => store,
    () => randomUUID(),
  );
  it('Redis: loads its script again when Redis has lost it (SCRIPT FLUSH), and counts on', async () => {
    const key = randomUUID();
    const now = Date.now();
    expect((await store.hit(key, 5, 60_000, now)).remaining).toBe(4);
    await redis.script('FLUSH');
    expect((await store.hit(key, 5, 60_000, now)).remaining).toBe(3);
    expect((await store.hit(key, 5, 60_000, now)).remaining).toBe(2);
  });
  it('Redis: every counted window expires two windows after its first hit (no key lives on)', async () => {
    const key = randomUUID();
    const windowMs = 60_000;
    const now = Date.now();
    await Promise.all([store.hit(key, 5, windowMs, now), store.hit(key, 5, windowMs, now)]);
    const windowKey = `${prefix}{${key}}:${windowMs}:${Math.floor(now / windowMs)}`;
    expect(await redis.get(windowKey)).toBe('2');
    const ttlMs = await redis.pttl(windowKey);
    expect(ttlMs).toBeGreaterThan(windowMs);
    expect(ttlMs).toBeLessThanOrEqual(2 * windowMs);
  });

  it('Redis: a burst larger than one script call still admits exactly the limit', async () => {
    const key = randomUUID();
    const now = Date.now();
    const burst = await Promise.all(Array.from({ length: 700 }, () => store.hit(key, 450, 60_000, now)));
    expect(burst.filter((decision) => decision.allowed)).toHaveLength(450);
    expect(burst.slice(450).every((decision) => !decision.allowed)).toBe(true);
  });
} else if (process.env.KEEL_REQUIRE_DATABASE === '1') {
  it('has a Redis for the rate-limit contract', () => {
    throw new Error('REDIS_URL is not set: npm test starts Redis (scripts/services.sh)');
  });
}

describe('sliding window arithmetic', () => {
  it('weights the previous window by its overlap', () => {
    expect(estimate(10, 0, 0, 1000)).toBe(10);
    expect(estimate(10, 2, 500, 1000)).toBe(7);
    expect(estimate(10, 2, 1000, 1000)).toBe(2);
  });

  it('tells a refused client when the estimate will admit one more hit', () => {
    // 10 in the previous window, 0 now, limit 5: after e ms, 10 × (1000 − e)/1000 + 1 ≤ 5 ⇔ e ≥ 600.
    expect(decide({ previous: 10, current: 0, allowed: false }, 100, 1000, 5).retryAfterMs).toBe(500);
    // The current window alone is over: wait for the next one and part of it.
    expect(decide({ previous: 0, current: 5, allowed: false }, 0, 1000, 5).retryAfterMs).toBe(1200);
  });
});
