/**
 * Whether live candles (and trades: taker-flow-stream.ts) come by websocket (KEEL_MARKET_WS=on, the default, where ccxt.pro streams the exchange's
 * klines) or by REST polling only (KEEL_MARKET_WS=off). Websocket data spares the IP's REST budget, the usual cause
 * of rate-limit bans when many markets are polled. An exchange whose REST API was moved (KEEL_EXCHANGE_URL_<X>: a
 * simulator, a testnet) keeps REST only unless KEEL_EXCHANGE_WS_URL_<X> moves its websocket too: candles from two
 * different venues must not mix.
 */
import { exchangeUrlOverride } from '../exchange/exchange-url.ts';
import { canStream, exchangeWsUrlOverride, type StreamedFeed } from './ccxt-pro-client.ts';

export type WebSocketChoice = { enabled: true } | { enabled: false; reason: string };

export function websocketChoice(
  exchangeId: string,
  env: NodeJS.ProcessEnv = process.env,
  feed: StreamedFeed = 'klines',
): WebSocketChoice {
  const setting = (env.KEEL_MARKET_WS ?? 'on').trim().toLowerCase();
  if (setting !== 'on' && setting !== 'off' && setting !== '') {
    throw new Error(`KEEL_MARKET_WS must be on or off, got "${env.KEEL_MARKET_WS}"`);
  }
  if (setting === 'off') return { enabled: false, reason: 'KEEL_MARKET_WS=off' };
  if (!canStream(exchangeId, feed)) return { enabled: false, reason: `ccxt.pro cannot stream ${exchangeId} ${feed}` };
  const variable = exchangeId.toUpperCase();
  const websocketMoved = exchangeWsUrlOverride(exchangeId, env) !== undefined;
  if (exchangeUrlOverride(exchangeId, env) !== undefined && !websocketMoved) {
    return {
      enabled: false,
      reason: `KEEL_EXCHANGE_URL_${variable} moves the REST API and no KEEL_EXCHANGE_WS_URL_${variable} moves the websocket`,
    };
  }
  return { enabled: true };
}
