/**
 * A public ccxt client for an exchange's linear perpetuals (Binance: the USDⓈ-M futures API, /fapi), where funding
 * rates live; the order path's client (exchange/exchange-client.ts) loads spot markets only. Markets are loaded
 * once per exchange and origin and shared, through the exchange's shared request limiter; a failed load is tried
 * again on the next call. ccxt's own throttle is off for the same reason as there: the shared limiter replaces it.
 */
import ccxt, { type Exchange } from 'ccxt';
import { UnsupportedExchangeError } from '../exchange/exchange-client.ts';
import { exchangeUrlOverride, rebaseApiUrls } from '../exchange/exchange-url.ts';
import { sharedLimiterFor } from '../exchange/request-limiter.ts';
import { REQUEST_WEIGHT } from '../exchange/venue.ts';

export interface PerpetualClientOptions {
  exchangeId: string;
  env?: NodeJS.ProcessEnv;
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const loaded = new Map<string, Promise<Exchange>>();

function makeClient(options: PerpetualClientOptions): Exchange {
  const exchangeClass = (ccxt as unknown as Record<string, new (config: object) => Exchange>)[options.exchangeId];
  if (typeof exchangeClass !== 'function' || !ccxt.exchanges.includes(options.exchangeId)) {
    throw new UnsupportedExchangeError(options.exchangeId);
  }
  const client = new exchangeClass({
    enableRateLimit: false,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    options: { defaultType: 'swap', fetchMarkets: { types: ['linear'] }, fetchCurrencies: false },
  });
  const origin = exchangeUrlOverride(options.exchangeId, options.env);
  if (origin !== undefined) client.urls.api = rebaseApiUrls(client.urls.api, origin) as typeof client.urls.api;
  return client;
}

/** The exchange's perpetuals client with its markets loaded (once per process). */
export function openPerpetualClient(options: PerpetualClientOptions): Promise<Exchange> {
  const key = `${options.exchangeId}@${exchangeUrlOverride(options.exchangeId, options.env) ?? 'default'}`;
  let client = loaded.get(key);
  if (client === undefined) {
    client = (async () => {
      const exchange = makeClient(options);
      await sharedLimiterFor(options.exchangeId).acquire(REQUEST_WEIGHT.loadMarkets);
      await exchange.loadMarkets();
      return exchange;
    })();
    client.catch(() => loaded.delete(key));
    loaded.set(key, client);
  }
  return client;
}

/** The fields of a ccxt market read to find a perpetual. */
export interface ListedMarket {
  symbol: string;
  base: string;
  quote: string;
  swap: boolean;
  linear?: boolean | undefined;
  active?: boolean | undefined;
}

/**
 * The linear perpetual on the base of the spot market `spotSymbol` (ccxt's `BTC/USDT`): the one settled in the same
 * quote first (`BTC/USDT:USDT`), else any active one on that base; null when the venue lists none.
 */
export function perpetualFor(
  markets: Readonly<Record<string, ListedMarket>> | undefined,
  spotSymbol: string,
): string | null {
  const [base, quote] = spotSymbol.split('/');
  const candidates = Object.values(markets ?? {}).filter(
    (market) => market.swap && market.linear === true && market.base === base && market.active !== false,
  );
  const sameQuote = candidates.find((market) => market.quote === quote);
  return (sameQuote ?? candidates[0])?.symbol ?? null;
}
