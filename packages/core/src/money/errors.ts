/** Why a decimal could not be built or computed; `input` is the offending value as text. */
export type DecimalErrorCode =
  | 'not-finite'
  | 'malformed'
  | 'exponent-out-of-range'
  | 'division-by-zero'
  | 'invalid-step'
  | 'not-representable';

/** Every failure of the money module: bad input text or numbers, division by zero, a non-positive step. */
export class DecimalError extends Error {
  readonly code: DecimalErrorCode;
  readonly input: string;

  constructor(code: DecimalErrorCode, input: string, message: string) {
    super(message);
    this.name = 'DecimalError';
    this.code = code;
    this.input = input;
  }
}
