import { describe, expect, it } from 'vitest';
import { DECIMAL_ZERO } from '../money/decimal.ts';
import { formatDecimal } from '../money/format.ts';
import { OrderValidationError } from './errors.ts';
import { resolveMarketRules } from './market-rules.ts';
import { validateOrder } from './order-validation.ts';
import type { OrderRequest } from './types.ts';

const rules = resolveMarketRules({ lotStepBase: 0.001, tickSizeQuote: 0.01 });
const base: OrderRequest = {
  clientOrderId: 'o-1',
  symbol: 'BTC-USDT',
  side: 'buy',
  type: 'market',
  qtyBase: 1,
  reason: 'test',
};

describe('validateOrder', () => {
  it('rounds qtyBase down to the lot and copies the request', () => {
    const validated = validateOrder({ ...base, qtyBase: 1.23456 }, 0, rules);
    expect(validated.request.qtyBase).toBe(1.234);
    expect(formatDecimal(validated.qtyBase ?? DECIMAL_ZERO)).toBe('1.234');
    expect(validated.quoteQty).toBeNull();
  });

  it('accepts a quoteQty market buy and priced limit and stop orders', () => {
    expect(validateOrder({ ...base, qtyBase: undefined, quoteQty: 100 }, 0, rules).quoteQty).not.toBeNull();
    expect(() => validateOrder({ ...base, type: 'limit', limitPrice: 10.01 }, 0, rules)).not.toThrow();
    expect(() => validateOrder({ ...base, side: 'sell', type: 'stop', stopPrice: 9 }, 0, rules)).not.toThrow();
  });

  it.each<[string, Partial<OrderRequest>, number, string]>([
    ['an empty clientOrderId', { clientOrderId: '' }, 0, 'invalid-client-order-id'],
    ['no symbol', { symbol: '' }, 0, 'invalid-symbol'],
    ['an unknown side', { side: 'short' as 'buy' }, 0, 'invalid-side'],
    ['an unknown type', { type: 'iceberg' as 'market' }, 0, 'invalid-type'],
    ['a NaN decision time', {}, Number.NaN, 'invalid-decision-time'],
    ['both sizes', { quoteQty: 100 }, 0, 'ambiguous-size'],
    ['no size', { qtyBase: undefined }, 0, 'ambiguous-size'],
    ['a zero qty', { qtyBase: 0 }, 0, 'invalid-qty'],
    ['a negative qty', { qtyBase: -1 }, 0, 'invalid-qty'],
    ['a NaN qty', { qtyBase: Number.NaN }, 0, 'invalid-qty'],
    ['an infinite qty', { qtyBase: Number.POSITIVE_INFINITY }, 0, 'invalid-qty'],
    ['less than a lot', { qtyBase: 0.0009 }, 0, 'qty-below-lot'],
    ['a NaN quoteQty', { qtyBase: undefined, quoteQty: Number.NaN }, 0, 'invalid-qty'],
    ['a quoteQty sell', { qtyBase: undefined, quoteQty: 100, side: 'sell' }, 0, 'quote-qty-not-allowed'],
    [
      'a quoteQty limit',
      { qtyBase: undefined, quoteQty: 100, type: 'limit', limitPrice: 1 },
      0,
      'quote-qty-not-allowed',
    ],
    ['a limit without price', { type: 'limit' }, 0, 'missing-limit-price'],
    ['a stop without price', { type: 'stop' }, 0, 'missing-stop-price'],
    ['a market with a limit price', { limitPrice: 10 }, 0, 'unexpected-price'],
    ['a stop with a limit price', { type: 'stop', stopPrice: 10, limitPrice: 10 }, 0, 'unexpected-price'],
    ['a zero limit price', { type: 'limit', limitPrice: 0 }, 0, 'invalid-price'],
    ['a NaN stop price', { type: 'stop', stopPrice: Number.NaN }, 0, 'invalid-price'],
    ['a price off the tick', { type: 'limit', limitPrice: 10.005 }, 0, 'price-off-tick'],
  ])('refuses %s', (_, change, decisionTime, code) => {
    const request = { ...base, ...change } as OrderRequest;
    expect(() => validateOrder(request, decisionTime, rules)).toThrow(OrderValidationError);
    expect(() => validateOrder(request, decisionTime, rules)).toThrow(expect.objectContaining({ code }));
  });

  it('names the order and the fix in the message', () => {
    expect(() => validateOrder({ ...base, type: 'limit', limitPrice: 10.005 }, 0, rules)).toThrow(
      'order o-1: limitPrice 10.005 is not on the 0.01 tick (10 or 10.01)',
    );
  });
});
