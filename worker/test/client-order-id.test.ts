import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientOrderIdFor } from '../src/bots/client-order-id.ts';

const ORDERS_TABLE_FORMAT = /^[A-Za-z0-9._:/-]{1,36}$/;

describe('clientOrderIdFor', () => {
  it('is deterministic and fits the venues and the orders table (36 characters of A–Z a–z 0–9 . _ : / -)', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.stringMatching(/^[A-Z0-9]{1,20}[-/][A-Z0-9]{1,20}$/),
        fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }),
        (botId, symbol, decisionTime) => {
          const id = clientOrderIdFor(botId, symbol, decisionTime);
          expect(id).toMatch(ORDERS_TABLE_FORMAT);
          expect(clientOrderIdFor(botId, symbol, decisionTime)).toBe(id);
        },
      ),
    );
  });

  it('differs between bots, markets and decision times', () => {
    const bot = '3f2a9c41-d07b-4c1e-9a7d-0123456789ab';
    const other = '9b1d2e33-0000-4c1e-9a7d-0123456789ab';
    const time = Date.UTC(2024, 0, 1, 12);
    const ids = [
      clientOrderIdFor(bot, 'BTC-USDT', time),
      clientOrderIdFor(other, 'BTC-USDT', time),
      clientOrderIdFor(bot, 'ETH-USDT', time),
      clientOrderIdFor(bot, 'BTC-USDT', time + 3_600_000),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe(`3f2a9c41d07b:BTCUSDT:${time.toString(36)}`);
  });
});
