import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientOrderIdHash, OrderIndex } from './order-index.ts';
import type { OrderState } from './types.ts';

function stateFor(clientOrderId: string): OrderState {
  return {
    request: { clientOrderId, symbol: 'BTC-USDT', side: 'buy', type: 'market', qtyBase: 1, reason: '' },
    submittedAt: 0,
    status: 'open',
    filledQtyBase: 0,
    filledQuote: 0,
  };
}

describe('OrderIndex', () => {
  it('behaves as a Map from id to its first state, keeping submission order', () => {
    const ids = fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.string()), { maxLength: 400 });
    fc.assert(
      fc.property(ids, ids, (added, looked) => {
        const index = new OrderIndex();
        const reference = new Map<string, OrderState>();
        for (const id of added) {
          const state = stateFor(id);
          expect(index.add(state)).toBe(!reference.has(id));
          if (!reference.has(id)) reference.set(id, state);
        }
        for (const id of [...added, ...looked]) expect(index.get(id)).toBe(reference.get(id));
        expect(index.all()).toEqual([...reference.values()]);
      }),
    );
  });

  it('tells apart ids whose hashes collide', () => {
    // FNV-1a 32-bit collisions (ASCII, so code units are the bytes).
    expect(clientOrderIdHash('costarring')).toBe(clientOrderIdHash('liquid'));
    const index = new OrderIndex();
    const first = stateFor('costarring');
    const second = stateFor('liquid');
    expect(index.add(first)).toBe(true);
    expect(index.get('liquid')).toBeUndefined();
    expect(index.add(second)).toBe(true);
    expect(index.add(stateFor('liquid'))).toBe(false);
    expect(index.get('costarring')).toBe(first);
    expect(index.get('liquid')).toBe(second);
  });

  it('answers undefined for an id that is not a string, as a Map would', () => {
    const index = new OrderIndex();
    index.add(stateFor('a'));
    expect(index.get(null as unknown as string)).toBeUndefined();
    expect(index.get(5 as unknown as string)).toBeUndefined();
  });

  it('keeps every id through many doublings of its table', () => {
    const index = new OrderIndex();
    const ids = Array.from({ length: 20_000 }, (_, i) => `backtest:BTC-USDT:${1_500_000_000_000 + i * 3_600_000}`);
    for (const id of ids) expect(index.add(stateFor(id))).toBe(true);
    for (const id of ids) expect(index.get(id)?.request.clientOrderId).toBe(id);
    expect(index.add(stateFor(ids[123] as string))).toBe(false);
  });
});
