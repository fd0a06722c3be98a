/**
 * What an exchange failure means for the bot, from ccxt's error classes (ccxt/js/src/base/errors.js):
 * - `rate-limited`: the venue asked us to slow down (429/418, -1003): wait (Retry-After), then retry;
 * - `retryable`: the request may not have arrived or the venue is briefly down (network, 5xx, timeout): retry with
 *   backoff — but a create that may have arrived is looked up by client order id before anything is re-sent;
 * - `insufficient-funds` and `rejected`: the venue refused this order; re-sending it would be refused again;
 * - `auth`: the keys are wrong, revoked or lack the permission: nothing works until the user fixes them.
 * Order matters: ccxt's RateLimitExceeded and RequestTimeout are NetworkErrors, which are OperationFailed;
 * PermissionDenied is an AuthenticationError: the narrower classes are tested first.
 */
import ccxt from 'ccxt';

export const EXCHANGE_FAILURE_KINDS = ['retryable', 'rate-limited', 'rejected', 'insufficient-funds', 'auth'] as const;
export type ExchangeFailureKind = (typeof EXCHANGE_FAILURE_KINDS)[number];

/** An exchange call that failed, classified; the message is ccxt's (which names the venue's code, never keys). */
export class ExchangeFailure extends Error {
  readonly kind: ExchangeFailureKind;
  /** ccxt's error class name, e.g. InsufficientFunds. */
  readonly venueError: string;
  constructor(kind: ExchangeFailureKind, venueError: string, message: string) {
    super(message);
    this.name = 'ExchangeFailure';
    this.kind = kind;
    this.venueError = venueError;
  }
}

const CLASSES: [new (...args: never[]) => Error, ExchangeFailureKind][] = [
  [ccxt.RateLimitExceeded, 'rate-limited'],
  [ccxt.DDoSProtection, 'rate-limited'], // Binance answers 429 and 418 (IP ban) with it
  [ccxt.RequestTimeout, 'retryable'],
  [ccxt.ExchangeNotAvailable, 'retryable'], // includes OnMaintenance
  [ccxt.NetworkError, 'retryable'], // includes InvalidNonce (clock skew: resync and retry)
  [ccxt.InsufficientFunds, 'insufficient-funds'],
  [ccxt.AuthenticationError, 'auth'], // includes PermissionDenied, AccountSuspended
  [ccxt.AccountNotEnabled, 'auth'],
  [ccxt.OperationFailed, 'retryable'], // "System abnormality": the venue failed, not the order
];

/** Anything else ccxt raises (InvalidOrder, BadRequest, BadSymbol, ExchangeError…) is the venue saying no. */
export function classifyExchangeError(error: unknown): ExchangeFailure {
  if (error instanceof ExchangeFailure) return error;
  const message = redactSignature(error instanceof Error ? error.message : String(error));
  const venueError = error instanceof Error ? error.constructor.name : 'unknown';
  for (const [errorClass, kind] of CLASSES) {
    if (error instanceof errorClass) return new ExchangeFailure(kind, venueError, message);
  }
  return new ExchangeFailure('rejected', venueError, message);
}

/** ccxt's messages quote the request URL, whose query carries the request's signature: cut it out. */
function redactSignature(message: string): string {
  return message.replace(/signature=[0-9a-fA-F]+/g, 'signature=[redacted]').slice(0, 900);
}

export function isVenueDuplicateClientId(error: unknown): boolean {
  return error instanceof Error && /Duplicate order sent/i.test(error.message);
}
