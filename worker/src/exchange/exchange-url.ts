/**
 * Where an exchange's REST API is reached. By default ccxt's own URLs; `KEEL_EXCHANGE_URL_<EXCHANGE>` (e.g.
 * KEEL_EXCHANGE_URL_BINANCE=http://127.0.0.1:9100) moves every API of that exchange to another origin, keeping
 * ccxt's paths — how the tests point the real ccxt client at the loopback simulator, and how an operator points it
 * at a venue's testnet or a forwarding proxy.
 */
export function exchangeUrlOverride(exchangeId: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[`KEEL_EXCHANGE_URL_${exchangeId.toUpperCase()}`]?.trim();
  if (value === undefined || value === '') return undefined;
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`KEEL_EXCHANGE_URL_${exchangeId.toUpperCase()} must be an http(s) URL`);
  }
  return url.origin;
}

/** ccxt's `urls.api` map with every URL's origin replaced by `origin` (paths kept). */
export function rebaseApiUrls(api: unknown, origin: string): unknown {
  if (typeof api === 'string') {
    const url = new URL(api);
    return `${origin}${url.pathname}`.replace(/\/$/, '');
  }
  if (api !== null && typeof api === 'object') {
    return Object.fromEntries(Object.entries(api).map(([key, value]) => [key, rebaseApiUrls(value, origin)]));
  }
  return api;
}
