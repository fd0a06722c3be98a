import { describe, it } from 'vitest';
import { inProcessBus, redisBus } from '../src/index.ts';
import { streamBusContract } from './stream-bus.contract.ts';

streamBusContract('in process', async () => {
  const bus = inProcessBus();
  return { publisherSide: bus, subscriberSide: bus, close: () => bus.close() };
});

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  // Two buses, as worker and edge are two processes: the publisher's connection is not the subscriber's.
  streamBusContract('Redis pub/sub', async () => {
    const channelPrefix = `keel:test:${Date.now()}:`;
    const worker = redisBus({ url: redisUrl, channelPrefix });
    const edge = redisBus({ url: redisUrl, channelPrefix });
    return {
      publisherSide: worker,
      subscriberSide: edge,
      close: async () => {
        await worker.close();
        await edge.close();
      },
    };
  });
} else if (process.env.KEEL_REQUIRE_DATABASE === '1') {
  describe('StreamBus contract: Redis pub/sub', () => {
    it('has a Redis to run on', () => {
      throw new Error('REDIS_URL is not set: start Redis with `bash scripts/services.sh start` (npm test does this)');
    });
  });
} else {
  describe.skip('StreamBus contract: Redis pub/sub (REDIS_URL is not set: bash scripts/services.sh start)', () => {});
}
