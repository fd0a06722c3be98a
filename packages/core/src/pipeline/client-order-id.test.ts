import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientOrderId, clientOrderIdPrefix } from './client-order-id.ts';

describe('clientOrderId', () => {
  it('is botId:symbol:decisionTime', () => {
    expect(clientOrderId(clientOrderIdPrefix('bot-1', 'BTC-USDT'), 1_514_768_400_000)).toBe(
      'bot-1:BTC-USDT:1514768400000',
    );
    // The nine low digits keep their zeros; the boundaries of the two-part path fall back to String.
    expect(clientOrderId('p:', 1_000_000_000_007)).toBe('p:1000000000007');
    expect(clientOrderId('p:', 1e9)).toBe('p:1000000000');
    expect(clientOrderId('p:', 999_999_999)).toBe('p:999999999');
    expect(clientOrderId('p:', Number.MAX_SAFE_INTEGER)).toBe(`p:${Number.MAX_SAFE_INTEGER}`);
  });

  it('spells any time as String does', () => {
    const times = fc.oneof(
      fc.integer({ min: 0, max: 4_102_444_800_000 }), // ms times up to 2100
      fc.maxSafeInteger(),
      fc.double(),
    );
    fc.assert(
      fc.property(times, (time) => {
        expect(clientOrderId('bt:X:', time)).toBe(`bt:X:${time}`);
      }),
    );
  });
});
