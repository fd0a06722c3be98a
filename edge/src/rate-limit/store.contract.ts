/** One contract for every RateLimitStore: the in-process and the Redis store decide identically. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryRateLimitStore } from './memory-store.ts';
import type { RateLimitStore } from './store.ts';

const WINDOW_MS = 10_000;

export function rateLimitStoreContract(name: string, open: () => RateLimitStore, uniqueKey: () => string) {
  describe(`RateLimitStore contract: ${name}`, () => {
    it('allows `limit` hits in a window, refuses the next with a Retry-After, and recovers as the window slides', async () => {
      const store = open();
      const key = uniqueKey();
      const start = 1_000_000 * WINDOW_MS; // the start of a window
      for (let i = 0; i < 5; i++) {
        const decision = await store.hit(key, 5, WINDOW_MS, start + i);
        expect(decision).toMatchObject({ allowed: true, remaining: 4 - i });
      }
      const refused = await store.hit(key, 5, WINDOW_MS, start + 10);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      // Still refused just before the retry time, allowed at it: the hint is exact for a quiet client.
      const retryAt = start + 10 + refused.retryAfterMs;
      expect((await store.hit(key, 5, WINDOW_MS, retryAt - 1_000)).allowed).toBe(false);
      expect((await store.hit(key, 5, WINDOW_MS, retryAt)).allowed).toBe(true);
      // Two windows later everything is forgotten.
      expect((await store.hit(key, 5, WINDOW_MS, start + 3 * WINDOW_MS)).remaining).toBe(4);
    });

    it('keeps keys apart', async () => {
      const store = open();
      const [one, two] = [uniqueKey(), uniqueKey()];
      const at = 2_000_000 * WINDOW_MS;
      expect((await store.hit(one, 1, WINDOW_MS, at)).allowed).toBe(true);
      expect((await store.hit(one, 1, WINDOW_MS, at)).allowed).toBe(false);
      expect((await store.hit(two, 1, WINDOW_MS, at)).allowed).toBe(true);
    });

    it('decides exactly as the reference (in-process) store for any sequence of hits', async () => {
      const store = open();
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 6 }),
          fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 1, maxLength: 25 }),
          async (limit, gaps) => {
            const key = uniqueKey();
            const reference = memoryRateLimitStore();
            let at = 3_000_000 * WINDOW_MS;
            for (const gap of gaps) {
              at += gap;
              expect(await store.hit(key, limit, WINDOW_MS, at)).toEqual(
                await reference.hit(key, limit, WINDOW_MS, at),
              );
            }
          },
        ),
        { numRuns: 30 },
      );
    });

    it('counts hits asked for together exactly as the same hits one after another, in order', async () => {
      const store = open();
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 4 })), {
            minLength: 1,
            maxLength: 12,
          }),
          fc.array(fc.integer({ min: 0, max: 4000 }), { minLength: 1, maxLength: 6 }),
          async (hits, gaps) => {
            // A few keys, some hit several times in one batch (a user's concurrent requests).
            const keys = [uniqueKey(), uniqueKey(), uniqueKey()];
            const reference = memoryRateLimitStore();
            let at = 4_000_000 * WINDOW_MS;
            for (const gap of gaps) {
              at += gap;
              const expected = [];
              for (const [k, limit] of hits)
                expected.push(await reference.hit(keys[k] as string, limit, WINDOW_MS, at));
              const together = await Promise.all(
                hits.map(([k, limit]) => store.hit(keys[k] as string, limit, WINDOW_MS, at)),
              );
              expect(together).toEqual(expected);
            }
          },
        ),
        { numRuns: 30 },
      );
    });

    it('is up', async () => {
      expect(await open().health()).toBe('up');
    });
  });
}
