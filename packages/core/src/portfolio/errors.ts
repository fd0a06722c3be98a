export type PortfolioErrorCode =
  | 'invalid-options'
  | 'unknown-symbol'
  | 'invalid-fill'
  | 'insufficient-cash'
  | 'insufficient-position'
  | 'missing-mark'
  | 'time-out-of-order';

/**
 * Every refusal of the portfolio stage: a fill the spot, long-only account cannot take (cash or a position would
 * go negative), a malformed fill, an unknown market, a valuation without a mark. A refused fill changes nothing.
 */
export class PortfolioError extends Error {
  readonly code: PortfolioErrorCode;

  constructor(code: PortfolioErrorCode, message: string) {
    super(message);
    this.name = 'PortfolioError';
    this.code = code;
  }
}
