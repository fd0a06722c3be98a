export type OrderValidationCode =
  | 'duplicate-client-order-id'
  | 'invalid-client-order-id'
  | 'invalid-symbol'
  | 'invalid-side'
  | 'invalid-type'
  | 'invalid-decision-time'
  | 'ambiguous-size'
  | 'invalid-qty'
  | 'qty-below-lot'
  | 'quote-qty-not-allowed'
  | 'missing-limit-price'
  | 'missing-stop-price'
  | 'invalid-price'
  | 'price-off-tick'
  | 'unexpected-price';

/**
 * An order the broker refused at submission, before it could rest or fill: malformed, ambiguous, or reusing a
 * clientOrderId (the idempotency key: a retry of an accepted order must not open a second one).
 */
export class OrderValidationError extends Error {
  readonly code: OrderValidationCode;
  readonly clientOrderId: string;

  constructor(code: OrderValidationCode, clientOrderId: string, message: string) {
    super(`order ${clientOrderId}: ${message}`);
    this.name = 'OrderValidationError';
    this.code = code;
    this.clientOrderId = clientOrderId;
  }
}

/** A broker option out of range (a negative fee rate, a participation above 1, a non-positive lot step). */
export class BrokerConfigError extends Error {
  readonly option: string;

  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.name = 'BrokerConfigError';
    this.option = option;
  }
}
