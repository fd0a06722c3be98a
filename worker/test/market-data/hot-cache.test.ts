/**
 * The hot tier: the same contract for the in-process cache and Redis (the shared REDIS_URL), then Redis stopped
 * under a running cache: writes are dropped and counted without an error, reads are answered from the process,
 * and after Redis restarts (empty) the cache is re-seeded and new writes land again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { InProcessHotCache } from '../../src/storage/in-process-hot-cache.ts';
import { RedisHotCache } from '../../src/storage/redis-hot-cache.ts';
import { hotCacheContract, hourlyCandle } from './hot-cache.contract.ts';
import { missingService, OwnService, waitForCondition } from './own-services.ts';

const skipReason = missingService('REDIS_URL');

describe('in-process hot cache', () => {
  hotCacheContract('in-process', async () => new InProcessHotCache());
});

describe.skipIf(skipReason !== null)(`Redis hot cache ${skipReason ?? ''}`, () => {
  hotCacheContract('redis', async () => {
    const cache = new RedisHotCache({ url: process.env.REDIS_URL as string, logger: silentLogger });
    await cache.ready();
    return cache;
  });

  describe('with Redis stopped mid-run', () => {
    let redis: OwnService;
    beforeAll(async () => {
      redis = await OwnService.redis();
    });
    afterAll(async () => {
      await redis?.stop();
    });

    it('drops and counts writes, answers reads from the process, and recovers after the restart', async () => {
      const cache = new RedisHotCache({ url: redis.url, logger: silentLogger });
      await cache.ready();
      for (let i = 0; i < 5; i++) await cache.pushCandle('BTC-USDT', '1h', hourlyCandle(i));
      expect(cache.droppedWrites).toBe(0);

      await redis.stop();
      for (let i = 5; i < 10; i++) await cache.pushCandle('BTC-USDT', '1h', hourlyCandle(i));
      expect(cache.droppedWrites).toBe(5);
      expect(await cache.latestCandles('BTC-USDT', '1h', 3)).toEqual([7, 8, 9].map(hourlyCandle));

      await redis.start();
      await cache.ready();
      // The restarted Redis is empty (no persistence): the re-seed puts the whole window back.
      await waitForCondition(
        'the re-seed',
        async () => (await cache.latestCandles('BTC-USDT', '1h', 100)).length === 10,
      );
      await cache.pushCandle('BTC-USDT', '1h', hourlyCandle(10));
      expect(cache.droppedWrites).toBe(5);
      expect(await cache.latestCandles('BTC-USDT', '1h', 100)).toEqual(
        Array.from({ length: 11 }, (_, i) => hourlyCandle(i)),
      );
      await cache.close();
    });
  });
});
