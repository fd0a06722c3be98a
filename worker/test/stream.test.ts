import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equityForStream } from '../src/bots/stream.ts';

describe('equityForStream', () => {
  it('serializes to the very JSON of the equity point it stands for', () => {
    fc.assert(
      fc.property(
        fc.record({
          id: fc.bigInt({ min: 1n, max: 2n ** 62n }).map(String),
          userId: fc.uuid(),
          botId: fc.uuid(),
          time: fc.date({ min: new Date(0), max: new Date('2100-01-01'), noInvalidDate: true }),
          equityQuote: fc.stringMatching(/^-?\d{1,20}(\.\d{1,18})?$/),
          cashQuote: fc.stringMatching(/^-?\d{1,20}(\.\d{1,18})?$/),
        }),
        (point) => {
          expect(JSON.stringify(equityForStream(point))).toBe(JSON.stringify(point));
        },
      ),
    );
  });
});
