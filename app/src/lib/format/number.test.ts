import { describe, expect, it } from 'vitest';
import {
  formatFraction,
  formatMoney,
  formatPrice,
  formatQuantity,
  formatRatio,
  isFiatCurrency,
  signOf,
} from './number.ts';

describe('formatMoney', () => {
  it('formats fiat in the locale, with its currency sign', () => {
    expect(formatMoney('12345.678', 'USD', { locale: 'en-US' })).toBe('$12,345.68');
    expect(formatMoney('12345.678', 'EUR', { locale: 'de-DE' })).toBe('12.345,68\u00a0€');
  });

  it('keeps every digit of amounts a binary float cannot hold', () => {
    // 2^53 + 1 and 20 integer digits: a float would print ...992 and ...000.
    expect(formatMoney('9007199254740993.01', 'USD', { locale: 'en-US' })).toBe('$9,007,199,254,740,993.01');
    expect(formatMoney('12345678901234567890.12', 'USD', { locale: 'en-US' })).toBe('$12,345,678,901,234,567,890.12');
  });

  it('names stablecoins by their code, laid out like the dollar', () => {
    expect(formatMoney('1234.5', 'USDT', { locale: 'en-US' })).toBe('USDT\u00a01,234.50');
    expect(formatMoney('1234.5', 'USDT', { locale: 'de-DE' })).toBe('1.234,50\u00a0USDT');
  });

  it('shows crypto-assets with up to 8 decimals', () => {
    expect(formatMoney('0.123456789', 'BTC', { locale: 'en-US' })).toBe('BTC\u00a00.12345679');
    expect(isFiatCurrency('BTC')).toBe(false);
    expect(isFiatCurrency('EUR')).toBe(true);
  });

  it('signs gains and losses when asked, and never zero', () => {
    expect(formatMoney('12.5', 'USD', { locale: 'en-US', signed: true })).toBe('+$12.50');
    expect(formatMoney('-12.5', 'USD', { locale: 'en-US', signed: true })).toBe('-$12.50');
    expect(formatMoney('0', 'USD', { locale: 'en-US', signed: true })).toBe('$0.00');
  });

  it('shows a dash for what is not a number', () => {
    expect(formatMoney(null, 'USD')).toBe('—');
    expect(formatMoney('1e5', 'USD')).toBe('—');
    expect(formatMoney('abc', 'USD')).toBe('—');
    expect(formatMoney(Number.NaN, 'USD')).toBe('—');
  });
});

describe('quantities, prices, fractions, ratios', () => {
  it('formats quantities and prices without losing significant digits', () => {
    expect(formatQuantity('0.00012345', 'en-US')).toBe('0.00012345');
    expect(formatPrice('64123.456', 'en-US')).toBe('64,123.46');
    expect(formatPrice('0.00001234', 'en-US')).toBe('0.00001234');
  });

  it('formats fractions as percentages', () => {
    expect(formatFraction(0.0523, { locale: 'en-US' })).toBe('5.23%');
    expect(formatFraction(0.0523, { locale: 'en-US', signed: true })).toBe('+5.23%');
    expect(formatFraction(null)).toBe('—');
    expect(formatRatio(1.2345, 'en-US')).toBe('1.23');
  });

  it('tells the sign of decimal strings', () => {
    expect(signOf('-0.01')).toBe(-1);
    expect(signOf('-0.00')).toBe(0);
    expect(signOf('3')).toBe(1);
    expect(signOf('junk')).toBe(0);
  });
});
