import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pageOf, rowsNeeded } from './pagination.ts';

describe('offset pagination over rows fetched with rowsNeeded', () => {
  it('walks every row exactly once, in order, and ends with a null cursor', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 1, max: 25 }), (total, limit) => {
        const table = Array.from({ length: total }, (_, i) => i);
        const seen: number[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages <= total + 1; pages++) {
          const { fetch } = rowsNeeded(limit, cursor);
          const page = pageOf(table.slice(0, fetch), limit, cursor);
          seen.push(...page.items);
          if (page.nextCursor === null) break;
          cursor = page.nextCursor;
        }
        expect(seen).toEqual(table);
      }),
    );
  });
});
