/**
 * One spot position at average cost, in exact decimals. Long-only: buys add quantity and cost; sells remove
 * quantity and the matching share of the cost, and the difference between proceeds and that cost is realised
 * P&L. Fees never enter the cost basis or realised P&L: they are counted apart (feesPaidQuote) and subtracted in
 * net P&L, so gross and net stay separately reportable. Snapshots are immutable; each fill makes a new one.
 */
import { addDecimal, divDecimal, mulDecimal, mulDivDecimal, subDecimal } from '../money/arithmetic.ts';
import { DECIMAL_ZERO, type Decimal } from '../money/decimal.ts';
import { formatDecimal } from '../money/format.ts';
import { PortfolioError } from './errors.ts';

export interface Position {
  readonly symbol: string;
  readonly qtyBase: Decimal;
  /** What the held quantity cost at average entry price, fees excluded; 0 exactly when flat. */
  readonly costBasisQuote: Decimal;
  /** Σ over sells of (proceeds − cost basis of the quantity sold), fees excluded. */
  readonly realisedPnlQuote: Decimal;
  readonly feesPaidQuote: Decimal;
}

/** What one fill did to a position. */
export interface PositionChange {
  readonly position: Position;
  /** qtyBase × priceQuote, rounded half-even to the ledger scale (exact for ≤ 18 combined decimals). */
  readonly notionalQuote: Decimal;
  /** Realised by this fill: 0 for buys. */
  readonly realisedPnlQuote: Decimal;
}

export function flatPosition(symbol: string): Position {
  return {
    symbol,
    qtyBase: DECIMAL_ZERO,
    costBasisQuote: DECIMAL_ZERO,
    realisedPnlQuote: DECIMAL_ZERO,
    feesPaidQuote: DECIMAL_ZERO,
  };
}

/** costBasis / qty (half-even at the ledger scale), or null when flat. */
export function averageEntryPriceQuote(position: Position): Decimal | null {
  if (position.qtyBase === 0n) return null;
  return divDecimal(position.costBasisQuote, position.qtyBase);
}

/**
 * Averages the new quantity into the entry price. `notionalQuote` is qtyBase × priceQuote as PositionChange
 * defines it; a caller that computed it already passes it.
 */
export function applyBuy(
  position: Position,
  qtyBase: Decimal,
  priceQuote: Decimal,
  feeQuote: Decimal,
  notionalQuote: Decimal = mulDecimal(qtyBase, priceQuote),
): PositionChange {
  return {
    position: {
      symbol: position.symbol,
      qtyBase: addDecimal(position.qtyBase, qtyBase),
      costBasisQuote: addDecimal(position.costBasisQuote, notionalQuote),
      realisedPnlQuote: position.realisedPnlQuote,
      feesPaidQuote: addDecimal(position.feesPaidQuote, feeQuote),
    },
    notionalQuote,
    realisedPnlQuote: DECIMAL_ZERO,
  };
}

/**
 * Removes qtyBase at the average entry price. The cost removed is costBasis × qtySold / qtyHeld, rounded once
 * (half-even); closing the whole position removes the whole cost basis, so a flat position has exactly zero
 * cost and every rounding residue has landed in realised P&L. Throws PortfolioError when selling more than held.
 * `notionalQuote` as in applyBuy.
 */
export function applySell(
  position: Position,
  qtyBase: Decimal,
  priceQuote: Decimal,
  feeQuote: Decimal,
  notionalQuote: Decimal = mulDecimal(qtyBase, priceQuote),
): PositionChange {
  if (qtyBase > position.qtyBase) {
    throw new PortfolioError(
      'insufficient-position',
      `cannot sell ${formatDecimal(qtyBase)} ${position.symbol}: only ${formatDecimal(position.qtyBase)} held (spot, long-only)`,
    );
  }
  const costRemovedQuote =
    qtyBase === position.qtyBase
      ? position.costBasisQuote
      : mulDivDecimal(position.costBasisQuote, qtyBase, position.qtyBase);
  const realisedPnlQuote = subDecimal(notionalQuote, costRemovedQuote);
  return {
    position: {
      symbol: position.symbol,
      qtyBase: subDecimal(position.qtyBase, qtyBase),
      costBasisQuote: subDecimal(position.costBasisQuote, costRemovedQuote),
      realisedPnlQuote: addDecimal(position.realisedPnlQuote, realisedPnlQuote),
      feesPaidQuote: addDecimal(position.feesPaidQuote, feeQuote),
    },
    notionalQuote,
    realisedPnlQuote,
  };
}
