import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox.ts';
import { StreamMessageDroppedError } from './stream-bus.ts';

type Step =
  | { kind: 'publish'; count: number }
  | { kind: 'send'; batch: number; elapsedMs: number }
  | { kind: 'transport restarted' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('publish' as const), count: fc.integer({ min: 1, max: 12 }) }),
  fc.record({
    kind: fc.constant('send' as const),
    batch: fc.integer({ min: 1, max: 10 }),
    elapsedMs: fc.integer({ min: 0, max: 30 }),
  }),
  fc.record({ kind: fc.constant('transport restarted' as const) }),
);

/** What the outbox should hold: oldest first, sent ones (with when) before unsent ones. */
interface Held {
  seq: number;
  sentAtMs: number | null;
  /** Taken by the transport at least once (its publish resolved), even if it is to be sent again. */
  everSent: boolean;
}

describe('Outbox', () => {
  it('holds at most maxMessages, sends in publish order, drops the oldest unsent and settles every publish once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 50 }),
        fc.array(step, { maxLength: 60 }),
        async (maxMessages, retainMs, steps) => {
          const outbox = new Outbox({ maxMessages, retainMs });
          const held: Held[] = [];
          const outcome = new Map<number, 'sent' | 'dropped'>();
          const expected = new Map<number, 'sent' | 'dropped'>();
          let seq = 0;
          let nowMs = 0;
          let droppedReported = 0;
          for (const current of steps) {
            if (current.kind === 'publish') {
              for (let i = 0; i < current.count; i++) {
                const mine = ++seq;
                outbox.add('user', `{"i":${mine}}`).then(
                  () => outcome.set(mine, 'sent'),
                  (error: unknown) => {
                    expect(error).toBeInstanceOf(StreamMessageDroppedError);
                    outcome.set(mine, 'dropped');
                  },
                );
                held.push({ seq: mine, sentAtMs: null, everSent: false });
                if (held.length > maxMessages) {
                  const oldest = held.shift() as Held;
                  if (!oldest.everSent) expected.set(oldest.seq, 'dropped');
                }
              }
            } else if (current.kind === 'send') {
              nowMs += current.elapsedMs;
              const unsent = held.filter((entry) => entry.sentAtMs === null);
              const batch = outbox.unsent(current.batch);
              expect(batch.map((message) => message.seq)).toEqual(unsent.slice(0, current.batch).map((e) => e.seq));
              const last = batch.at(-1);
              if (last !== undefined) {
                outbox.markSent(last.seq, nowMs);
                for (const entry of held) {
                  if (entry.seq <= last.seq && entry.sentAtMs === null) {
                    entry.sentAtMs = nowMs;
                    entry.everSent = true;
                    expected.set(entry.seq, 'sent');
                  }
                }
                while (held[0]?.sentAtMs != null && (held[0].sentAtMs as number) < nowMs - retainMs) held.shift();
              }
            } else {
              outbox.resendRetained();
              for (const entry of held) entry.sentAtMs = null;
            }
            droppedReported += outbox.takeDroppedCount();
            expect(outbox.size).toBe(held.length);
            expect(outbox.size).toBeLessThanOrEqual(maxMessages);
            expect(outbox.unsentCount).toBe(held.filter((entry) => entry.sentAtMs === null).length);
          }
          await Promise.resolve();
          expect(outcome).toEqual(expected);
          expect(droppedReported).toBe([...expected.values()].filter((what) => what === 'dropped').length);
        },
      ),
    );
  });

  it('drops what is unsent at close and rejects those publishes', async () => {
    const outbox = new Outbox({ maxMessages: 10, retainMs: 1_000 });
    const sent = outbox.add('user', '1');
    const unsent = outbox.add('user', '2');
    outbox.markSent(1, 0);
    expect(outbox.dropUnsent(new StreamMessageDroppedError('closing'))).toBe(1);
    await expect(sent).resolves.toBeUndefined();
    await expect(unsent).rejects.toThrow(/closing/);
    expect(outbox.unsentCount).toBe(0);
    expect(outbox.takeDroppedCount()).toBe(1);
  });

  it('refuses a bound that is not a positive whole number', () => {
    expect(() => new Outbox({ maxMessages: 0, retainMs: 0 })).toThrow(/maxMessages/);
  });
});
