import { describe, expect, it } from 'vitest';
import { buy, FixedPortfolio } from '../../test/risk-fixtures.ts';
import { RiskInputError } from './errors.ts';
import { checkAccount, checkIntent, checkMark, readPositions } from './input-checks.ts';

describe('input checks', () => {
  it('passes sane numbers and reads exposures with pending buys', () => {
    const portfolio = new FixedPortfolio(1_000, { A: { qty: 2, mark: 50 } }, { B: 10 });
    expect(() => checkAccount(portfolio)).not.toThrow();
    expect(checkMark('A', 50)).toBe(50);
    const held = new Float64Array(2);
    const values = new Float64Array(2);
    expect(readPositions(['A', 'B'], portfolio, Float64Array.from([0, 30]), held, values)).toBe(100);
    expect([...held, ...values]).toEqual([2, 0, 100, 30]);
  });

  it('names what is wrong', () => {
    const broke = new FixedPortfolio(1_000);
    broke.equityQuote = Number.NaN;
    expect(() => checkAccount(broke)).toThrow(
      new RiskInputError('portfolio.equityQuote', 'must be a finite number ≥ 0, got NaN'),
    );
    expect(() => checkMark('A', 0)).toThrow('risk input markPrice(A): must be a positive finite price, got 0');
    expect(() => checkIntent({ ...buy('A', 1), side: 'short' as never })).toThrow('intent.side');
    expect(() => checkIntent({ ...buy('A', 1), qtyBase: 1 })).toThrow('exactly one of qtyBase and quoteQty');
    expect(() => checkIntent({ ...buy('A', 1), type: 'limit', limitPrice: Number.POSITIVE_INFINITY })).toThrow(
      'intent.limitPrice',
    );
    const unmarked = new FixedPortfolio(0, { A: { qty: 1, mark: Number.NaN } });
    expect(() => readPositions(['A'], unmarked, new Float64Array(1), new Float64Array(1), new Float64Array(1))).toThrow(
      'markPrice(A)',
    );
  });
});
