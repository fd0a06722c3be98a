/** The outbox: in order, retried with backoff, bounded, and never throwing to the pusher. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDeliveryQueue } from '../src/notifications/delivery-queue.ts';

function recorder() {
  const outcomes: [string, number][] = [];
  return { outcomes, onOutcome: (outcome: string, item: number) => void outcomes.push([outcome, item]) };
}

describe('delivery queue', () => {
  it('delivers in order, one at a time', async () => {
    const delivered: number[] = [];
    let inFlight = 0;
    const { outcomes, onOutcome } = recorder();
    const queue = createDeliveryQueue<number>({
      async deliver(item) {
        inFlight++;
        expect(inFlight).toBe(1);
        await new Promise((resolve) => setImmediate(resolve));
        delivered.push(item);
        inFlight--;
      },
      onOutcome,
    });
    for (let i = 0; i < 5; i++) queue.push(i);
    await queue.drain();
    expect(delivered).toEqual([0, 1, 2, 3, 4]);
    expect(outcomes.every(([outcome]) => outcome === 'sent')).toBe(true);
  });

  it('retries a failing delivery, then gives up and goes on with the next', async () => {
    const attempts = new Map<number, number>();
    const { outcomes, onOutcome } = recorder();
    const queue = createDeliveryQueue<number>({
      async deliver(item) {
        attempts.set(item, (attempts.get(item) ?? 0) + 1);
        if (item === 1) throw new Error('smtp down');
        if (item === 2 && (attempts.get(item) ?? 0) < 2) throw new Error('flaky');
      },
      onOutcome,
      maxAttempts: 3,
      retryBaseMs: 1,
    });
    queue.push(1);
    queue.push(2);
    await queue.drain();
    expect(attempts.get(1)).toBe(3);
    expect(attempts.get(2)).toBe(2);
    expect(outcomes).toEqual([
      ['failed', 1],
      ['sent', 2],
    ]);
  });

  it('never holds more than its capacity: the rest is dropped and reported, never thrown', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 60 }), async (capacity, pushes) => {
        const { outcomes, onOutcome } = recorder();
        let release: () => void = () => {};
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        const queue = createDeliveryQueue<number>({ deliver: () => gate, onOutcome, capacity });
        let accepted = 0;
        for (let i = 0; i < pushes; i++) if (queue.push(i)) accepted++;
        expect(queue.size).toBeLessThanOrEqual(capacity);
        release();
        await queue.drain();
        expect(outcomes.filter(([outcome]) => outcome === 'sent')).toHaveLength(accepted);
        expect(outcomes.filter(([outcome]) => outcome === 'dropped')).toHaveLength(pushes - accepted);
        // The first item is taken at once, so the queue holds capacity more behind it.
        expect(accepted).toBe(Math.min(pushes, capacity + 1));
      }),
      { numRuns: 50 },
    );
  });

  it('close cuts a backoff short and gives the item up', async () => {
    const { outcomes, onOutcome } = recorder();
    const queue = createDeliveryQueue<number>({
      deliver: () => Promise.reject(new Error('down')),
      onOutcome,
      retryBaseMs: 3_600_000,
    });
    queue.push(7);
    await new Promise((resolve) => setImmediate(resolve));
    await queue.close();
    expect(outcomes).toEqual([['failed', 7]]);
    expect(queue.push(8)).toBe(false);
  });
});
