/** Exact decimal money: the ledger's number type and its operations. */
export { addDecimal, divDecimal, mulDecimal, mulDivDecimal, negateDecimal, subDecimal } from './arithmetic.ts';
export {
  compareDecimal,
  DECIMAL_ONE,
  DECIMAL_PLACES,
  DECIMAL_SCALE,
  DECIMAL_ZERO,
  type Decimal,
  decimalFromUnits,
  isNegativeDecimal,
  isZeroDecimal,
  maxDecimal,
  minDecimal,
} from './decimal.ts';
export { DecimalError, type DecimalErrorCode } from './errors.ts';
export { decimalToExactNumber, decimalToNumber, formatDecimal } from './format.ts';
export { decimalFromNumber, decimalFromString, MAX_DECIMAL_EXPONENT, toDecimal } from './parse.ts';
export { DEFAULT_ROUNDING, divideRounded, type RoundingMode } from './rounding.ts';
export { isOnStep, requirePositiveStep, roundToStep, stepsIn } from './step.ts';
