/**
 * Exact valuation of positions at mark prices. With positions from position.ts these satisfy, to the last unit:
 *   cash + Σ costBasis = initialCash + realised − fees
 *   realised + unrealised − fees = equity − initialCash
 * because the ledger moves cash by the very notional and fee amounts the positions record.
 */
import { addDecimal, mulDecimal, subDecimal } from '../money/arithmetic.ts';
import { DECIMAL_ZERO, type Decimal } from '../money/decimal.ts';
import { PortfolioError } from './errors.ts';
import type { Position } from './position.ts';

/** The mark (usually the last close) of a symbol, or undefined when there is none. */
export type MarkPriceOf = (symbol: string) => Decimal | undefined;

/** qtyBase × mark, rounded half-even to the ledger scale; 0 for a flat position whatever its mark. */
export function marketValueQuote(position: Position, markPriceOf: MarkPriceOf): Decimal {
  if (position.qtyBase === 0n) return DECIMAL_ZERO;
  const mark = markPriceOf(position.symbol);
  if (mark === undefined) {
    throw new PortfolioError('missing-mark', `no mark price for ${position.symbol}: cannot value an open position`);
  }
  return mulDecimal(position.qtyBase, mark);
}

/** Σ (market value − cost basis) over open positions. */
export function unrealisedPnlQuote(positions: Iterable<Position>, markPriceOf: MarkPriceOf): Decimal {
  let total = DECIMAL_ZERO;
  for (const position of positions) {
    if (position.qtyBase === 0n) continue;
    total = addDecimal(total, subDecimal(marketValueQuote(position, markPriceOf), position.costBasisQuote));
  }
  return total;
}

/** cash + Σ market value. */
export function equityQuote(cashQuote: Decimal, positions: Iterable<Position>, markPriceOf: MarkPriceOf): Decimal {
  let total = cashQuote;
  for (const position of positions) total = addDecimal(total, marketValueQuote(position, markPriceOf));
  return total;
}
