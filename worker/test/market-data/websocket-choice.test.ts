/** When live candles come by websocket: KEEL_MARKET_WS, what ccxt.pro can stream, and venues that must not mix. */
import { describe, expect, it } from 'vitest';
import { websocketChoice } from '../../src/market/websocket-choice.ts';

describe('websocketChoice', () => {
  it('streams by default where ccxt.pro can, and not when KEEL_MARKET_WS=off', () => {
    expect(websocketChoice('binance', {})).toEqual({ enabled: true });
    expect(websocketChoice('binance', { KEEL_MARKET_WS: 'on' })).toEqual({ enabled: true });
    expect(websocketChoice('binance', { KEEL_MARKET_WS: ' OFF ' })).toEqual({
      enabled: false,
      reason: 'KEEL_MARKET_WS=off',
    });
  });

  it('rejects a value that is neither on nor off, naming the variable', () => {
    expect(() => websocketChoice('binance', { KEEL_MARKET_WS: 'yes' })).toThrow(
      'KEEL_MARKET_WS must be on or off, got "yes"',
    );
  });

  it('polls an exchange ccxt.pro has no kline stream for', () => {
    expect(websocketChoice('bit2c', {})).toEqual({ enabled: false, reason: 'ccxt.pro cannot stream bit2c klines' });
  });

  it('decides for trades by what ccxt.pro can stream of them, with the same switch', () => {
    expect(websocketChoice('binance', {}, 'trades')).toEqual({ enabled: true });
    expect(websocketChoice('bit2c', {}, 'trades')).toEqual({
      enabled: false,
      reason: 'ccxt.pro cannot stream bit2c trades',
    });
    expect(websocketChoice('binance', { KEEL_MARKET_WS: 'off' }, 'trades')).toEqual({
      enabled: false,
      reason: 'KEEL_MARKET_WS=off',
    });
  });

  it('does not mix a moved REST API with the real websocket, unless the websocket is moved too', () => {
    const restMoved = { KEEL_EXCHANGE_URL_BINANCE: 'http://127.0.0.1:9100' };
    expect(websocketChoice('binance', restMoved)).toEqual({
      enabled: false,
      reason: 'KEEL_EXCHANGE_URL_BINANCE moves the REST API and no KEEL_EXCHANGE_WS_URL_BINANCE moves the websocket',
    });
    expect(websocketChoice('binance', { ...restMoved, KEEL_EXCHANGE_WS_URL_BINANCE: 'ws://127.0.0.1:9101' })).toEqual({
      enabled: true,
    });
    expect(() => websocketChoice('binance', { KEEL_EXCHANGE_WS_URL_BINANCE: 'http://127.0.0.1:9101' })).toThrow(
      'KEEL_EXCHANGE_WS_URL_BINANCE must be a ws(s) URL',
    );
  });
});
