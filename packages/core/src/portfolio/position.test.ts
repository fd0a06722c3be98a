import { describe, expect, it } from 'vitest';
import { formatDecimal } from '../money/format.ts';
import { decimalFromString } from '../money/parse.ts';
import { PortfolioError } from './errors.ts';
import { applyBuy, applySell, averageEntryPriceQuote, flatPosition } from './position.ts';

const d = decimalFromString;

describe('position at average cost', () => {
  it('averages buys into the entry price and keeps fees apart', () => {
    const first = applyBuy(flatPosition('BTC-USDT'), d('1'), d('100'), d('0.1')).position;
    const second = applyBuy(first, d('3'), d('200'), d('0.6'));
    expect(formatDecimal(second.notionalQuote)).toBe('600');
    expect(formatDecimal(second.position.qtyBase)).toBe('4');
    expect(formatDecimal(second.position.costBasisQuote)).toBe('700');
    expect(formatDecimal(averageEntryPriceQuote(second.position) ?? d('0'))).toBe('175');
    expect(formatDecimal(second.position.feesPaidQuote)).toBe('0.7');
    expect(second.realisedPnlQuote).toBe(0n);
  });

  it('realises proceeds minus the average cost of the quantity sold', () => {
    const held = applyBuy(applyBuy(flatPosition('X'), d('1'), d('100'), d('0')).position, d('3'), d('200'), d('0'));
    const sold = applySell(held.position, d('1'), d('250'), d('0.25'));
    expect(formatDecimal(sold.realisedPnlQuote)).toBe('75');
    expect(formatDecimal(sold.position.costBasisQuote)).toBe('525');
    expect(formatDecimal(sold.position.feesPaidQuote)).toBe('0.25');
    const closed = applySell(sold.position, d('3'), d('150'), d('0'));
    expect(formatDecimal(closed.realisedPnlQuote)).toBe('-75');
    expect(closed.position.costBasisQuote).toBe(0n);
    expect(averageEntryPriceQuote(closed.position)).toBeNull();
  });

  it('rounds a pro-rata cost once and leaves zero cost when flat', () => {
    const held = applyBuy(flatPosition('X'), d('3'), d('1'), d('0')).position;
    const third = applySell(held, d('1'), d('1'), d('0'));
    expect(formatDecimal(third.position.costBasisQuote)).toBe('2');
    // Cost 3.000000000000000002 over 3 units: a third is 1.0000000000000000006…, rounded to …001.
    const uneven = applyBuy(
      applyBuy(flatPosition('X'), d('1'), d('1'), d('0')).position,
      d('2'),
      d('1.000000000000000001'),
      d('0'),
    );
    const partial = applySell(uneven.position, d('1'), d('1'), d('0'));
    expect(formatDecimal(partial.realisedPnlQuote)).toBe('-0.000000000000000001');
    expect(formatDecimal(partial.position.costBasisQuote)).toBe('2.000000000000000001');
    const rest = applySell(partial.position, d('2'), d('1'), d('0'));
    expect(rest.position.costBasisQuote).toBe(0n);
    expect(formatDecimal(rest.realisedPnlQuote)).toBe('-0.000000000000000001');
  });

  it('refuses to sell more than is held', () => {
    const held = applyBuy(flatPosition('X'), d('1'), d('1'), d('0')).position;
    expect(() => applySell(held, d('1.00000001'), d('1'), d('0'))).toThrow(PortfolioError);
  });
});
