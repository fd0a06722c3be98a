import { BotCreate, BotUpdate } from '@keel/contract/bots.ts';
import { describe, expect, it } from 'vitest';
import { asPercent, validate } from '../forms/validate.ts';
import { createBody, formValuesOf, newBotValues, parseSymbols, updateBody } from './form-values.ts';

describe('bot form values', () => {
  it('turns the new-bot form into a valid BotCreate with the default limits', () => {
    const values = { ...newBotValues(), name: 'Trend', symbols: 'btc-usdt, eth-usdt' };
    const result = validate(BotCreate, createBody(values));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.symbols).toEqual(['BTC-USDT', 'ETH-USDT']);
    expect(result.data.risk.maxPositionFraction).toBe(0.1);
    expect(result.data.risk.stopLossFraction).toBe(0.05);
    expect(result.data.risk.takeProfitFraction).toBeNull();
    expect(result.data.exchangeCredentialId).toBeNull();
  });

  it('reports limits past the platform caps in percent, on the risk paths', () => {
    const values = { ...newBotValues(), name: 'Greedy', maxPositionPercent: '25', minConfidencePercent: '40' };
    const result = validate(BotCreate, createBody(values), {
      'risk.maxPositionFraction': asPercent,
      'risk.minConfidence': asPercent,
    });
    expect(result).toEqual({
      ok: false,
      errors: { 'risk.maxPositionFraction': 'at most 10%', 'risk.minConfidence': 'at least 60%' },
    });
  });

  it('reads markets separated by commas or spaces, upper-cased', () => {
    expect(parseSymbols(' btc-usdt,ETH-USDT  sol-usdt; ')).toEqual(['BTC-USDT', 'ETH-USDT', 'SOL-USDT']);
    expect(parseSymbols('   ')).toEqual([]);
  });

  it('round-trips a bot through the edit form', () => {
    const bot = {
      name: 'Trend',
      symbols: ['BTC-USDT'],
      timeframe: '4h',
      mode: 'paper' as const,
      agents: ['ppo'],
      initialCashQuote: '5000',
      exchangeCredentialId: null,
      risk: {
        maxPositionFraction: 0.07,
        minConfidence: 0.65,
        maxCorrelatedExposure: 0.1,
        maxVar95: 0.03,
        stopLossFraction: 0.04,
        takeProfitFraction: 0.2,
        trailingStopFraction: null,
        onHalt: 'hold' as const,
      },
    };
    const result = validate(BotUpdate, updateBody(formValuesOf(bot)));
    expect(result).toEqual({
      ok: true,
      data: { name: 'Trend', symbols: ['BTC-USDT'], timeframe: '4h', agents: ['ppo'], risk: bot.risk },
    });
  });
});
