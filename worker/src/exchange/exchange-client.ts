/**
 * A ccxt client for one exchange account, made at the moment it is needed with keys just decrypted, and dropped
 * after: the plaintext keys live in this client's memory only while an order or a check is in flight. Spot markets
 * only, ccxt's own throttle off (the process-wide RequestLimiter replaces it: ccxt's is per client, and there is one
 * client per user), and the markets loaded once per exchange and shared by every later client.
 */
import type { ExchangeSecret } from '@keel/db';
import ccxt, { type Exchange } from 'ccxt';
import { classifyExchangeError } from './exchange-errors.ts';
import { exchangeUrlOverride, rebaseApiUrls } from './exchange-url.ts';
import { sharedLimiterFor } from './request-limiter.ts';
import { REQUEST_WEIGHT } from './venue.ts';

export interface ExchangeClientOptions {
  exchangeId: string;
  /** The decrypted keys; absent for public calls. */
  secret?: ExchangeSecret;
  /** Per request; default 10 s (ccxt's). */
  timeoutMs?: number;
  /** How old a signed request the venue may still accept (Binance's recvWindow); default 5 s, Binance's advice. */
  recvWindowMs?: number;
  env?: NodeJS.ProcessEnv;
}

export class UnsupportedExchangeError extends Error {
  constructor(exchangeId: string) {
    super(`exchange "${exchangeId}" is not supported by ccxt`);
    this.name = 'UnsupportedExchangeError';
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RECV_WINDOW_MS = 5_000;
const loadedMarkets = new Map<string, Promise<Exchange['markets']>>();

function makeClient(options: ExchangeClientOptions): Exchange {
  const exchangeClass = (ccxt as unknown as Record<string, new (config: object) => Exchange>)[options.exchangeId];
  if (typeof exchangeClass !== 'function' || !ccxt.exchanges.includes(options.exchangeId)) {
    throw new UnsupportedExchangeError(options.exchangeId);
  }
  const client = new exchangeClass({
    enableRateLimit: false,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    options: {
      defaultType: 'spot',
      fetchMarkets: { types: ['spot'] },
      fetchMargins: false,
      fetchCurrencies: false,
      recvWindow: options.recvWindowMs ?? DEFAULT_RECV_WINDOW_MS,
    },
    ...(options.secret === undefined
      ? {}
      : {
          apiKey: options.secret.apiKey,
          secret: options.secret.secret,
          ...(options.secret.passphrase === undefined ? {} : { password: options.secret.passphrase }),
        }),
  });
  const origin = exchangeUrlOverride(options.exchangeId, options.env);
  if (origin !== undefined) client.urls.api = rebaseApiUrls(client.urls.api, origin) as typeof client.urls.api;
  return client;
}

function marketsOf(options: ExchangeClientOptions): Promise<Exchange['markets']> {
  const key = `${options.exchangeId}@${exchangeUrlOverride(options.exchangeId, options.env) ?? 'default'}`;
  let markets = loadedMarkets.get(key);
  if (markets === undefined) {
    markets = (async () => {
      const client = makeClient({ ...options, secret: undefined });
      await sharedLimiterFor(options.exchangeId).acquire(REQUEST_WEIGHT.loadMarkets);
      return client.loadMarkets();
    })();
    markets.catch(() => loadedMarkets.delete(key));
    loadedMarkets.set(key, markets);
  }
  return markets;
}

/** A client with the exchange's markets loaded (once per process); failures come out classified. */
export async function openExchangeClient(options: ExchangeClientOptions): Promise<Exchange> {
  let markets: Exchange['markets'];
  try {
    markets = await marketsOf(options);
  } catch (error) {
    throw classifyExchangeError(error);
  }
  const client = makeClient(options);
  client.setMarkets(markets);
  return client;
}
