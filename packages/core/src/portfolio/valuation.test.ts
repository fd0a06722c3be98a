import { describe, expect, it } from 'vitest';
import { formatDecimal } from '../money/format.ts';
import { decimalFromString } from '../money/parse.ts';
import { PortfolioError } from './errors.ts';
import { applyBuy, flatPosition } from './position.ts';
import { equityQuote, marketValueQuote, unrealisedPnlQuote } from './valuation.ts';

const d = decimalFromString;

describe('valuation', () => {
  const btc = applyBuy(flatPosition('BTC'), d('0.5'), d('30000'), d('15')).position;
  const eth = flatPosition('ETH');
  const marks = new Map([['BTC', d('31000.5')]]);
  const markOf = (symbol: string) => marks.get(symbol);

  it('values open positions at their mark and flat ones at zero without a mark', () => {
    expect(formatDecimal(marketValueQuote(btc, markOf))).toBe('15500.25');
    expect(marketValueQuote(eth, markOf)).toBe(0n);
    expect(formatDecimal(unrealisedPnlQuote([btc, eth], markOf))).toBe('500.25');
    expect(formatDecimal(equityQuote(d('100'), [btc, eth], markOf))).toBe('15600.25');
  });

  it('refuses to value an open position without a mark', () => {
    expect(() => unrealisedPnlQuote([btc], () => undefined)).toThrow(PortfolioError);
  });
});
