import { randomUUID } from 'node:crypto';
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
  streamBusContract('Redis stream', async () => {
    const streamKey = `keel:test:${randomUUID()}`;
    const worker = redisBus({ url: redisUrl, streamKey });
    const edge = redisBus({ url: redisUrl, streamKey });
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
  describe('StreamBus contract: Redis stream', () => {
    it('has a Redis to run on', () => {
      throw new Error('REDIS_URL is not set: start Redis with `bash scripts/services.sh start` (npm test does this)');
    });
  });
} else {
  describe.skip('StreamBus contract: Redis stream (REDIS_URL is not set: bash scripts/services.sh start)', () => {});
}
