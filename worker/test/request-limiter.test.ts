/**
 * The shared request-weight limiter and retry backoff, on a virtual clock (no real waiting, no timed
 * assertions): what is spent, who waits how long, and that a 429's Retry-After holds everyone.
 */
import ccxt from 'ccxt';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestLimiter, sharedLimiterFor } from '../src/exchange/request-limiter.ts';
import { backoffDelayMs, DEFAULT_RETRY, withRetry } from '../src/exchange/retry.ts';

function virtualClock() {
  let now = 0;
  const waits: number[] = [];
  return {
    now: () => now,
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

describe('RequestLimiter', () => {
  it('spends the budget without waiting, then waits exactly for the refill the next request needs', async () => {
    const clock = virtualClock();
    const limiter = new RequestLimiter({ weightPerMinute: 600, now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 30; i++) await limiter.acquire(20);
    expect(clock.waits).toEqual([]);
    await limiter.acquire(20);
    // 600 per minute = 10 per second: 20 weight is 2 s of refill.
    expect(clock.waits).toEqual([2_000]);
  });

  it("a 429's hold makes every caller wait until it ends", async () => {
    const clock = virtualClock();
    const limiter = new RequestLimiter({ weightPerMinute: 6_000, now: clock.now, sleep: clock.sleep });
    limiter.holdFor(1_500);
    await Promise.all([limiter.acquire(1), limiter.acquire(1)]);
    expect(clock.now()).toBe(1_500);
  });

  it('callers are served in arrival order whatever their weights', async () => {
    const clock = virtualClock();
    const limiter = new RequestLimiter({ weightPerMinute: 60, now: clock.now, sleep: clock.sleep });
    const served: number[] = [];
    await Promise.all([50, 30, 5].map((weight, i) => limiter.acquire(weight).then(() => served.push(i))));
    expect(served).toEqual([0, 1, 2]);
  });

  it('is one per exchange for the whole process: every bot of the same exchange draws from it', () => {
    expect(sharedLimiterFor('binance')).toBe(sharedLimiterFor('binance'));
    expect(sharedLimiterFor('kraken')).not.toBe(sharedLimiterFor('binance'));
  });
});

describe('retry with backoff and jitter', () => {
  it('full jitter: every delay within [0, min(cap, base · 2^attempt)]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        (attempt, draw) => {
          const delay = backoffDelayMs(attempt, { ...DEFAULT_RETRY, random: () => draw });
          const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** attempt);
          return delay >= 0 && delay <= ceiling;
        },
      ),
    );
  });

  it('retries a retryable failure, then succeeds', async () => {
    const clock = virtualClock();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new ccxt.ExchangeNotAvailable('503');
        return 'ok';
      },
      { limiter: new RequestLimiter({ now: clock.now, sleep: clock.sleep }), retryAfterMs: () => undefined },
      { sleep: clock.sleep, random: () => 0.5 },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(clock.waits).toEqual([100, 200]);
  });

  it('never retries a refusal', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new ccxt.InsufficientFunds('no');
        },
        { limiter: new RequestLimiter(), retryAfterMs: () => undefined },
      ),
    ).rejects.toMatchObject({ kind: 'insufficient-funds' });
    expect(calls).toBe(1);
  });

  it("a 429 holds the shared limiter for the venue's Retry-After", async () => {
    const clock = virtualClock();
    const limiter = new RequestLimiter({ now: clock.now, sleep: clock.sleep });
    let calls = 0;
    await withRetry(
      async () => {
        await limiter.acquire(1);
        calls++;
        if (calls === 1) throw new ccxt.DDoSProtection('429');
        return 'ok';
      },
      { limiter, retryAfterMs: () => 3_000 },
      { sleep: clock.sleep },
    );
    expect(clock.now()).toBe(3_000);
  });
});
