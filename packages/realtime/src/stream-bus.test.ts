import { randomUUID } from 'node:crypto';
import { StreamMessage } from '@keel/contract';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamMessageError, serializeForPublish } from './stream-bus.ts';

/** Messages near and across the schema's lines: good and bad channels, bot ids, times; extra keys. */
const candidate = fc.record(
  {
    channel: fc.oneof(fc.constantFrom(...StreamMessage.shape.channel.options), fc.string(), fc.integer()),
    botId: fc.oneof(
      fc.constant(null),
      fc.uuid(),
      fc.uuid().map((id) => id.toUpperCase()),
      fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
      fc.string(),
      fc.constant(undefined),
    ),
    time: fc.oneof(fc.double(), fc.integer(), fc.string()),
    data: fc.oneof(fc.jsonValue(), fc.constant(undefined)),
    extra: fc.jsonValue(),
  },
  { requiredKeys: ['channel', 'botId', 'time'] },
);

/** What the bus published before its fast path: the schema's output, serialized. */
function bySchema(message: unknown): string | 'refused' {
  const result = StreamMessage.safeParse(message);
  return result.success ? JSON.stringify(result.data) : 'refused';
}

function published(message: unknown): string | 'refused' {
  try {
    return serializeForPublish(randomUUID(), message as StreamMessage);
  } catch (error) {
    if (error instanceof StreamMessageError) return 'refused';
    throw error;
  }
}

describe('serializeForPublish', () => {
  it('publishes exactly the schema’s output, and refuses exactly what the schema refuses', () => {
    fc.assert(
      fc.property(candidate, (message) => {
        expect(published(message)).toBe(bySchema(message));
      }),
      { numRuns: 2_000 },
    );
  });

  it('names the field the schema refused', () => {
    expect(() =>
      serializeForPublish(randomUUID(), { channel: 'equity', botId: 'bot-1', time: 1, data: {} } as StreamMessage),
    ).toThrow(/botId/);
    expect(() =>
      serializeForPublish(randomUUID(), {
        channel: 'equity',
        botId: null,
        time: Number.POSITIVE_INFINITY,
        data: {},
      } as StreamMessage),
    ).toThrow(/time/);
  });
});
