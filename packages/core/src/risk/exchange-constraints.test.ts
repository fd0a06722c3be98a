import { describe, expect, it } from 'vitest';
import type { OrderRequest } from '../execution/types.ts';
import { RiskConfigError } from './errors.ts';
import { applyExchangeConstraints, resolveExchangeRules } from './exchange-constraints.ts';

const rules = resolveExchangeRules({ minNotionalQuote: 5, lotStepBase: 0.001, tickSizeQuote: 0.01 }, '');
const order = (patch: Partial<OrderRequest>): OrderRequest => ({
  clientOrderId: 'x',
  symbol: 'BTC-USDT',
  side: 'buy',
  type: 'market',
  reason: 'test',
  ...patch,
});

describe('exchange constraints', () => {
  it('passes a valid order unchanged (null)', () => {
    expect(applyExchangeConstraints(order({ quoteQty: 100 }), 50, 1_000, 0, rules)).toBeNull();
    expect(applyExchangeConstraints(order({ side: 'sell', qtyBase: 0.5 }), 50, 0, 1, rules)).toBeNull();
  });

  it('cuts a buy to the free cash and refuses one below the minimum notional or one lot', () => {
    expect(applyExchangeConstraints(order({ quoteQty: 2_000 }), 50, 1_000, 0, rules)).toEqual({
      order: order({ quoteQty: 1_000 }),
      reasons: ['exchange: buy of 2000.00 cut to the free cash 1000.00'],
    });
    expect(applyExchangeConstraints(order({ quoteQty: 4 }), 50, 1_000, 0, rules)?.reasons).toEqual([
      'exchange: buy of 4.00 is below the minimum notional 5',
    ]);
    expect(applyExchangeConstraints(order({ quoteQty: 6 }), 50_000, 1_000, 0, rules)?.order).toBeNull();
    expect(applyExchangeConstraints(order({ quoteQty: 6 }), 50, 0, 0, rules)?.reasons[0]).toContain('no free cash');
  });

  it('rounds quantities down to the lot, sells down to what is held', () => {
    const sold = applyExchangeConstraints(order({ side: 'sell', qtyBase: 2.34567 }), 50, 0, 1.5, rules);
    expect(sold?.order?.qtyBase).toBe(1.5);
    const rounded = applyExchangeConstraints(order({ side: 'sell', qtyBase: 0.12345 }), 50, 0, 1, rules);
    expect(rounded?.order?.qtyBase).toBe(0.123);
    expect(rounded?.reasons).toEqual(['exchange: quantity 0.12345 rounded down to the lot: 0.123']);
    expect(applyExchangeConstraints(order({ side: 'sell', qtyBase: 0.0004 }), 50, 0, 1, rules)?.order).toBeNull();
    expect(applyExchangeConstraints(order({ side: 'sell', qtyBase: 0.05 }), 50, 0, 1, rules)?.reasons[0]).toContain(
      'below the minimum notional 5',
    );
    expect(applyExchangeConstraints(order({ side: 'sell', qtyBase: 1 }), 50, 0, 0, rules)?.order).toBeNull();
  });

  it('rounds prices to the tick without worsening the terms or weakening a stop', () => {
    const buyLimit = applyExchangeConstraints(
      order({ type: 'limit', qtyBase: 1, limitPrice: 50.019 }),
      50,
      1_000,
      0,
      rules,
    );
    expect(buyLimit?.order?.limitPrice).toBe(50.01);
    const sellStop = applyExchangeConstraints(
      order({ side: 'sell', type: 'stop', qtyBase: 1, stopPrice: 47.501 }),
      50,
      0,
      1,
      rules,
    );
    expect(sellStop?.order?.stopPrice).toBe(47.51);
    const sellLimit = applyExchangeConstraints(
      order({ side: 'sell', type: 'limit', qtyBase: 1, limitPrice: 55.001 }),
      50,
      0,
      1,
      rules,
    );
    expect(sellLimit?.order?.limitPrice).toBe(55.01);
  });

  it('cuts a limit buy in base to what the free cash pays at its limit', () => {
    const cut = applyExchangeConstraints(order({ type: 'limit', qtyBase: 10, limitPrice: 40 }), 50, 100, 0, rules);
    expect(cut?.order?.qtyBase).toBe(2.5);
  });

  it('refuses bad rules with a RiskConfigError naming the option', () => {
    expect(() => resolveExchangeRules({ lotStepBase: 0 }, 'markets.X.')).toThrow(RiskConfigError);
    expect(() => resolveExchangeRules({ minNotionalQuote: -1 }, 'markets.X.')).toThrow('markets.X.minNotionalQuote');
  });
});
