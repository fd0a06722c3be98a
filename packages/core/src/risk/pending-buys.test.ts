import { describe, expect, it } from 'vitest';
import { buy, RecordingPort } from '../../test/risk-fixtures.ts';
import { PendingBuys } from './pending-buys.ts';

describe('PendingBuys', () => {
  it('counts buys sent until the port says they stopped working', () => {
    const port = new RecordingPort();
    const pending = new PendingBuys(2);
    const first = buy('A', 300, 'a');
    const second = { ...buy('B', 1, 'b'), quoteQty: undefined, type: 'limit' as const, qtyBase: 2, limitPrice: 50 };
    port.submit(first, 0);
    port.submit(second, 0);
    pending.add(first, 0, 10);
    pending.add(second, 1, 10);
    expect([...pending.quoteBySymbol]).toEqual([300, 100]);
    expect(pending.totalQuote).toBe(400);
    port.fill('a');
    pending.reconcile(port, Float64Array.from([10, 10]));
    expect([...pending.quoteBySymbol]).toEqual([0, 100]);
    pending.cancelAll(port);
    expect(port.order('b')?.status).toBe('cancelled');
    pending.reconcile(port, Float64Array.from([10, 10]));
    expect(pending.totalQuote).toBe(0);
  });
});
