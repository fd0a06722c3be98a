/**
 * Input the risk stage cannot judge (a NaN price, negative equity, a symbol outside the session): it fails closed
 * with this error, never with an approved order. `field` names what to fix.
 */
export class RiskInputError extends Error {
  readonly field: string;

  constructor(field: string, message: string) {
    super(`risk input ${field}: ${message}`);
    this.name = 'RiskInputError';
    this.field = field;
  }
}

/** A risk option out of range, or a bot setting looser than the platform allows. `option` names it. */
export class RiskConfigError extends Error {
  readonly option: string;

  constructor(option: string, message: string) {
    super(`risk option ${option}: ${message}`);
    this.name = 'RiskConfigError';
    this.option = option;
  }
}
