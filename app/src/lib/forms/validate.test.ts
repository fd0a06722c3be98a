import { IpAllowlistCreate } from '@keel/contract/account.ts';
import { LoginRequest, SignupRequest } from '@keel/contract/auth.ts';
import { BotCreate } from '@keel/contract/bots.ts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/problem.ts';
import { asPercent, failureOf, fractionToPercent, percentToFraction, validate } from './validate.ts';

describe('validate with the contract schemas', () => {
  it('passes good input through, with the schema defaults filled in', () => {
    const result = validate(BotCreate, { name: 'Trend', symbols: ['BTC-USDT'] });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.data.mode).toBe('paper');
      expect(result.data.timeframe).toBe('1h');
    }
  });

  it('keeps the messages the contract wrote, by dotted path', () => {
    const result = validate(BotCreate, { name: ' ', symbols: ['btc'] });
    expect(result).toEqual({
      ok: false,
      errors: { name: 'give the bot a name', 'symbols.0': 'a market such as BTC-USDT (BASE-QUOTE, upper case)' },
    });
  });

  it("says zod's default messages plainly, in the field's unit", () => {
    const result = validate(
      BotCreate,
      { name: 'x', symbols: ['BTC-USDT'], risk: { maxPositionFraction: 0.5 } },
      { 'risk.maxPositionFraction': asPercent },
    );
    expect(result).toEqual({ ok: false, errors: { 'risk.maxPositionFraction': 'at most 10%' } });
  });

  it('reports the refinements of whole objects on their path', () => {
    const result = validate(BotCreate, { name: 'x', symbols: ['BTC-USDT'], mode: 'live' });
    expect(result).toEqual({ ok: false, errors: { exchangeCredentialId: 'a live bot needs an exchange key' } });
  });

  it('validates sign-up and sign-in', () => {
    expect(validate(SignupRequest, { email: 'nope', password: 'short' })).toEqual({
      ok: false,
      errors: { email: 'a valid email address', password: 'at least 10 characters' },
    });
    expect(validate(LoginRequest, { email: 'a@b.co', password: '' })).toEqual({
      ok: false,
      errors: { password: 'required' },
    });
    expect(validate(IpAllowlistCreate, { cidr: '300.1.1.1' })).toEqual({
      ok: false,
      errors: { cidr: 'an IP address or CIDR block' },
    });
  });
});

describe('failures of a submission', () => {
  it('puts the API field errors on the fields and the summary above the form', () => {
    const error = new ApiError({
      status: 400,
      title: 'The request is invalid',
      detail: '1 field is invalid in the request',
      fieldErrors: { 'symbols.0': 'unknown market' },
    });
    expect(failureOf(error)).toEqual({
      fields: { 'symbols.0': 'unknown market' },
      message: '1 field is invalid in the request',
    });
  });

  it('uses the whole-body error as the summary', () => {
    const error = new ApiError({ status: 400, title: 'Bad', fieldErrors: { '': 'the body must be an object' } });
    expect(failureOf(error)).toEqual({ fields: {}, message: 'the body must be an object' });
  });

  it('converts percentages typed by people to fractions and back', () => {
    expect(percentToFraction('12.5')).toBe(0.125);
    expect(percentToFraction('7,5')).toBe(0.075);
    expect(percentToFraction('')).toBeUndefined();
    expect(percentToFraction('abc')).toBeNaN();
    expect(fractionToPercent(0.07)).toBe('7');
    expect(fractionToPercent(0.1)).toBe('10');
  });
});
