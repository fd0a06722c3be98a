/** The portfolio stage: exact cash and positions booked from fills, valuation, and the equity curve. */
export { EquityCurve, type EquityCurveOptions } from './equity-curve.ts';
export { PortfolioError, type PortfolioErrorCode } from './errors.ts';
export { type FillBooking, Ledger, type LedgerOptions } from './ledger.ts';
export {
  applyBuy,
  applySell,
  averageEntryPriceQuote,
  flatPosition,
  type Position,
  type PositionChange,
} from './position.ts';
export { equityQuote, type MarkPriceOf, marketValueQuote, unrealisedPnlQuote } from './valuation.ts';
