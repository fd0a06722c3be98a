import { describe, expect, it } from 'vitest';
import {
  BacktestCreate,
  BotCreate,
  DecimalString,
  IpAllowlistCreate,
  NotificationChannelCreate,
  SignupRequest,
} from '../src/index.ts';

describe('BotCreate', () => {
  it('fills documented defaults: a paper bot with every agent and the platform caps', () => {
    const bot = BotCreate.parse({ name: 'First bot', symbols: ['BTC-USDT'] });
    expect(bot.mode).toBe('paper');
    expect(bot.timeframe).toBe('1h');
    expect(bot.agents).toHaveLength(5);
    expect(bot.risk.maxPositionFraction).toBe(0.1);
    expect(bot.risk.minConfidence).toBe(0.6);
    expect(bot.initialCashQuote).toBe('10000');
  });

  it('refuses limits looser than the platform caps, bad markets and live bots without a key', () => {
    const errors = (input: unknown) => BotCreate.safeParse(input).error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(errors({ name: 'x', symbols: ['BTC-USDT'], risk: { maxPositionFraction: 0.5 } })).toContain(
      'risk.maxPositionFraction',
    );
    expect(errors({ name: 'x', symbols: ['BTC-USDT'], risk: { minConfidence: 0.5 } })).toContain('risk.minConfidence');
    expect(errors({ name: 'x', symbols: ['btc/usdt'] })).toContain('symbols.0');
    expect(errors({ name: 'x', symbols: ['BTC-USDT'], mode: 'live' })).toContain('exchangeCredentialId');
    expect(errors({ name: 'x', symbols: ['BTC-USDT'], surprise: 1 })).toEqual(['']);
  });
});

describe('BacktestCreate', () => {
  const errors = (input: object) =>
    BacktestCreate.safeParse({ symbols: ['BTC-USDT'], ...input }).error?.issues.map(
      (i) => `${i.path.join('.')}: ${i.message}`,
    ) ?? [];

  it('fills defaults: the risk manager bots run, unless asked for none', () => {
    const request = BacktestCreate.parse({ symbols: ['BTC-USDT'], strategy: 'sma-cross' });
    expect(request).toMatchObject({ timeframe: '1h', params: {}, feeRate: 0.001, initialCashQuote: 10_000 });
    expect(request.risk).toBe('default');
    expect(errors({ strategy: 'balanced', risk: 'none' })).toEqual([]);
    expect(errors({ strategy: 'balanced', risk: 'some' })).toHaveLength(1);
  });

  it('takes only the parameters a strategy has, in range, and a window that ends after it starts', () => {
    expect(errors({ strategy: 'sma-cross', params: { fast: 5, slow: 20 } })).toEqual([]);
    expect(errors({ strategy: 'sma-cross', params: { fast: 20, slow: 5 } })).toEqual([
      'params.fast: must be below slow',
    ]);
    expect(errors({ strategy: 'sma-cross', params: { fast: 2.5 } })).toEqual([
      'params.fast: must be an integer from 1 to 1000',
    ]);
    expect(errors({ strategy: 'sma-cross', params: { period: 3 } })).toEqual([
      'params.period: sma-cross has parameters fast, slow only',
    ]);
    expect(errors({ strategy: 'ensemble', params: { fast: 3 } })).toEqual(['params.fast: ensemble has no parameters']);
    expect(errors({ strategy: 'balanced', from: '2024-02-01T00:00:00.000Z', to: '2024-01-01T00:00:00.000Z' })).toEqual([
      'to: must be after from',
    ]);
  });
});

describe('DecimalString', () => {
  it('takes plain decimals only, so money never passes through a float', () => {
    for (const ok of ['0', '12.5', '0.000000000000000001', '99999999999999999999'])
      expect(DecimalString.safeParse(ok).success).toBe(true);
    for (const bad of ['-1', '1e5', '1.', '.5', 'NaN', '1.0000000000000000001', ''])
      expect(DecimalString.safeParse(bad).success).toBe(false);
  });
});

describe('account schemas', () => {
  it('explain what is wrong in words a person understands', () => {
    expect(SignupRequest.safeParse({ email: 'a@b.co', password: 'short' }).error?.issues[0]?.message).toBe(
      'at least 10 characters',
    );
    expect(IpAllowlistCreate.safeParse({ cidr: '10.0.0.0/8' }).success).toBe(true);
    expect(IpAllowlistCreate.safeParse({ cidr: 'somewhere' }).success).toBe(false);
    expect(NotificationChannelCreate.safeParse({ kind: 'email', target: 'x', events: ['fill'] }).success).toBe(false);
  });
});
