/**
 * CoinGecko's market-wide numbers, `GET <baseUrl>/api/v3/global`, one request for two signals:
 *   {"data":{"active_cryptocurrencies":…,"total_market_cap":{"usd":…},"market_cap_percentage":{"btc":56.2,…},
 *    "market_cap_change_percentage_24h_usd":-1.37,"updated_at":1763600000}}
 * - market_cap_change_24h: `market_cap_change_percentage_24h_usd` (%);
 * - btc_dominance: `market_cap_percentage.btc` (%).
 * Both carry CoinGecko's `updated_at` (seconds). A key (COINGECKO_API_KEY) goes in a header, never in the URL: the
 * Pro API's `x-cg-pro-api-key` on pro-api.coingecko.com, the Demo plan's `x-cg-demo-api-key` elsewhere.
 * The public API's rate limit is a few tens of calls a minute: one call per `refreshMs` (default 5 min) is far below.
 */
import { type Observation, type PollingOptions, polledHttpSignals } from './polled-http-signals.ts';
import type { SignalProvider } from './signal-provider.ts';

export interface CoinGeckoGlobalOptions extends PollingOptions {
  /** `https://api.coingecko.com` (or `https://pro-api.coingecko.com` with a Pro key): COINGECKO_URL. */
  baseUrl: string;
  /** COINGECKO_API_KEY; none for the keyless public API. */
  apiKey?: string;
  /** Default 30 min: CoinGecko refreshes /global every few minutes. */
  maxAgeMs?: number;
  /** Default 5 min. */
  refreshMs?: number;
}

const DEFAULT_MAX_AGE_MS = 30 * 60_000;
const DEFAULT_REFRESH_MS = 5 * 60_000;

export type CoinGeckoSignal = 'market_cap_change_24h' | 'btc_dominance';

export class CoinGeckoFormatError extends Error {
  constructor(detail: string) {
    super(`CoinGecko /global answer not understood: ${detail}`);
    this.name = 'CoinGeckoFormatError';
  }
}

function percent(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > 100) {
    throw new CoinGeckoFormatError(`${what} ${JSON.stringify(value)} is not a percentage`);
  }
  return value;
}

export function parseCoinGeckoGlobal(body: unknown): Record<CoinGeckoSignal, Observation> {
  const data = (body as { data?: unknown })?.data as
    | {
        market_cap_percentage?: { btc?: unknown };
        market_cap_change_percentage_24h_usd?: unknown;
        updated_at?: unknown;
      }
    | undefined;
  if (typeof data !== 'object' || data === null) throw new CoinGeckoFormatError('no data object');
  const seconds = data.updated_at;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds <= 0) {
    throw new CoinGeckoFormatError(`updated_at ${JSON.stringify(seconds)} is not Unix seconds`);
  }
  const observedAtMs = seconds * 1000;
  const dominance = percent(data.market_cap_percentage?.btc, 'market_cap_percentage.btc');
  if (dominance < 0) throw new CoinGeckoFormatError(`market_cap_percentage.btc ${dominance} is negative`);
  return {
    market_cap_change_24h: {
      value: percent(data.market_cap_change_percentage_24h_usd, 'market_cap_change_percentage_24h_usd'),
      observedAtMs,
    },
    btc_dominance: { value: dominance, observedAtMs },
  };
}

/** The header CoinGecko expects the key in: the Pro API's on its pro-api host, the Demo plan's elsewhere. */
export function coinGeckoKeyHeader(baseUrl: string, apiKey: string | undefined): Record<string, string> {
  if (apiKey === undefined || apiKey === '') return {};
  return new URL(baseUrl).hostname.startsWith('pro-api.')
    ? { 'x-cg-pro-api-key': apiKey }
    : { 'x-cg-demo-api-key': apiKey };
}

export function coinGeckoGlobalProviders(options: CoinGeckoGlobalOptions): SignalProvider[] {
  const headers = coinGeckoKeyHeader(options.baseUrl, options.apiKey);
  return polledHttpSignals<CoinGeckoSignal>({
    source: 'coingecko',
    names: ['market_cap_change_24h', 'btc_dominance'],
    load: async (getJson) => parseCoinGeckoGlobal(await getJson(`${options.baseUrl}/api/v3/global`, headers)),
    secrets: options.apiKey === undefined ? [] : [options.apiKey],
    defaults: { maxAgeMs: DEFAULT_MAX_AGE_MS, refreshMs: DEFAULT_REFRESH_MS },
    polling: options,
  });
}
