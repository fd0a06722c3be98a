import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStreamIds, STREAM_START_ID } from './stream-ids.ts';

const entryId = fc.tuple(fc.nat({ max: 2 ** 47 }), fc.nat({ max: 2 ** 20 }));

describe('compareStreamIds', () => {
  it('orders ids by milliseconds, then sequence, not as text', () => {
    fc.assert(
      fc.property(entryId, entryId, ([aMs, aSeq], [bMs, bSeq]) => {
        const expected = aMs === bMs ? aSeq - bSeq : aMs - bMs;
        expect(Math.sign(compareStreamIds(`${aMs}-${aSeq}`, `${bMs}-${bSeq}`))).toBe(Math.sign(expected));
      }),
    );
    expect(compareStreamIds('999-0', '1000-0')).toBeLessThan(0);
    expect(compareStreamIds('5-10', '5-9')).toBeGreaterThan(0);
  });

  it('puts the start id before every entry', () => {
    fc.assert(fc.property(entryId, ([ms, seq]) => compareStreamIds(`${ms}-${seq + 1}`, STREAM_START_ID) > 0));
  });
});
