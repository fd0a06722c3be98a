/** ccxt's error classes → what the bot does about them; the narrower class wins over its parent. */
import ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { classifyExchangeError, ExchangeFailure } from '../src/exchange/exchange-errors.ts';

describe('classifyExchangeError', () => {
  it.each([
    [ccxt.RateLimitExceeded, 'rate-limited'],
    [ccxt.DDoSProtection, 'rate-limited'],
    [ccxt.RequestTimeout, 'retryable'],
    [ccxt.ExchangeNotAvailable, 'retryable'],
    [ccxt.OnMaintenance, 'retryable'],
    [ccxt.NetworkError, 'retryable'],
    [ccxt.InvalidNonce, 'retryable'],
    [ccxt.InsufficientFunds, 'insufficient-funds'],
    [ccxt.AuthenticationError, 'auth'],
    [ccxt.PermissionDenied, 'auth'],
    [ccxt.AccountSuspended, 'auth'],
    [ccxt.InvalidOrder, 'rejected'],
    [ccxt.OrderNotFound, 'rejected'],
    [ccxt.BadSymbol, 'rejected'],
    [ccxt.ExchangeError, 'rejected'],
  ] as const)('%o is %s', (errorClass, kind) => {
    const failure = classifyExchangeError(new errorClass('binance says no'));
    expect(failure).toBeInstanceOf(ExchangeFailure);
    expect(failure.kind).toBe(kind);
    expect(failure.venueError).toBe(errorClass.name);
  });

  it('anything that is not ccxt is a refusal, not a retry (nothing is re-sent on an unknown error)', () => {
    expect(classifyExchangeError(new TypeError('boom')).kind).toBe('rejected');
  });

  it("cuts the request's signature out of ccxt's message", () => {
    const failure = classifyExchangeError(
      new ccxt.RequestTimeout(
        'binance GET http://x/api/v3/account?timestamp=1&signature=9f86d081884c7d659a2feaa0c55ad015 timed out',
      ),
    );
    expect(failure.message).not.toMatch(/9f86d0/);
    expect(failure.message).toContain('signature=[redacted]');
  });
});
