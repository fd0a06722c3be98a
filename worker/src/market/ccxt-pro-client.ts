/**
 * A fresh ccxt.pro client of one exchange for one websocket connection, sharing the REST client's process-wide
 * markets (exchange-client.ts: connecting costs no request). KEEL_EXCHANGE_WS_URL_<EXCHANGE> in `env` moves the
 * exchange's websockets to another origin (tests: a loopback). Every stream (klines, trades) reconnects with a
 * new one, so nothing cached from an old socket is read again.
 */
import ccxt, { type Exchange } from 'ccxt';
import { openExchangeClient } from '../exchange/exchange-client.ts';
import { rebaseApiUrls } from '../exchange/exchange-url.ts';

/** KEEL_EXCHANGE_WS_URL_<EXCHANGE>: a ws(s) origin, or undefined when unset. */
export function exchangeWsUrlOverride(exchangeId: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = `KEEL_EXCHANGE_WS_URL_${exchangeId.toUpperCase()}`;
  const value = env[name]?.trim();
  if (value === undefined || value === '') return undefined;
  const url = new URL(value);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`${name} must be a ws(s) URL`);
  return url.origin;
}

export function proClientClass(exchangeId: string): (new (config: object) => Exchange) | undefined {
  if (!Object.hasOwn(ccxt.pro, exchangeId)) return undefined;
  const clientClass = (ccxt.pro as unknown as Record<string, unknown>)[exchangeId];
  return typeof clientClass === 'function' ? (clientClass as new (config: object) => Exchange) : undefined;
}

/** What a market stream watches: `klines` (watchOHLCV) or `trades` (watchTrades). */
export type StreamedFeed = 'klines' | 'trades';

/** Whether ccxt.pro can stream `exchangeId`'s `feed`. */
export function canStream(exchangeId: string, feed: StreamedFeed): boolean {
  const clientClass = proClientClass(exchangeId);
  if (clientClass === undefined) return false;
  const has = new clientClass({}).has;
  return (feed === 'klines' ? has.watchOHLCV : has.watchTrades) === true;
}

export async function connectProClient(exchangeId: string, env: NodeJS.ProcessEnv | undefined): Promise<Exchange> {
  const restClient = await openExchangeClient({ exchangeId, ...(env === undefined ? {} : { env }) });
  const clientClass = proClientClass(exchangeId);
  if (clientClass === undefined) throw new Error(`ccxt.pro has no websocket client for "${exchangeId}"`);
  const client = new clientClass({ options: { defaultType: 'spot' } });
  client.setMarkets(restClient.markets);
  const origin = exchangeWsUrlOverride(exchangeId, env);
  if (origin !== undefined) {
    const api = client.urls.api as unknown as Record<string, unknown>;
    client.urls.api = { ...api, ws: rebaseApiUrls(api.ws, origin) } as unknown as typeof client.urls.api;
    // ccxt refuses plain ws:// until its http agent is loaded.
    if (origin.startsWith('ws:')) await client.loadHttpProxyAgent();
  }
  return client;
}
