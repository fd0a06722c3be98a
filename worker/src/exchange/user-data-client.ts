/**
 * The ccxt.pro client of one exchange key's user-data stream: the key decrypted now and held by this client only,
 * for as long as its socket lives (the stream signs its subscription, and every reconnect signs again, so the key
 * cannot be dropped earlier as the per-order REST clients drop theirs); each reconnect makes a new client, so a
 * key revoked meanwhile stops the stream. The process-wide markets are reused (exchange-client.ts);
 * KEEL_EXCHANGE_URL_<X> moves its REST calls and KEEL_EXCHANGE_WS_URL_<X> its websocket, as for the market streams.
 */
import type { Database } from '@keel/db';
import type { Exchange } from 'ccxt';
import { exchangeWsUrlOverride, proClientClass } from '../market/ccxt-pro-client.ts';
import { openCredentialSecret, type VenueSettings } from './bot-venue.ts';
import { openExchangeClient } from './exchange-client.ts';
import { exchangeUrlOverride, rebaseApiUrls } from './exchange-url.ts';

export async function openUserDataClient(
  database: Database,
  settings: VenueSettings,
  credentialId: string,
): Promise<Exchange> {
  const { exchange, secret } = await openCredentialSecret(database, settings.keyring, credentialId);
  const clientClass = proClientClass(exchange);
  if (clientClass === undefined) throw new Error(`ccxt.pro has no websocket client for "${exchange}"`);
  const restClient = await openExchangeClient({ exchangeId: exchange, ...envOf(settings) });
  const client = new clientClass({
    enableRateLimit: false,
    apiKey: secret.apiKey,
    secret: secret.secret,
    ...(secret.passphrase === undefined ? {} : { password: secret.passphrase }),
    ...(settings.timeoutMs === undefined ? {} : { timeout: settings.timeoutMs }),
    options: {
      defaultType: 'spot',
      ...(settings.recvWindowMs === undefined ? {} : { recvWindow: settings.recvWindowMs }),
    },
  });
  client.setMarkets(restClient.markets);
  const api = client.urls.api as unknown as Record<string, unknown>;
  const restOrigin = exchangeUrlOverride(exchange, settings.env);
  const wsOrigin = exchangeWsUrlOverride(exchange, settings.env);
  const rest = restOrigin === undefined ? api : (rebaseApiUrls(api, restOrigin) as Record<string, unknown>);
  const ws = wsOrigin === undefined ? api.ws : rebaseApiUrls(api.ws, wsOrigin);
  client.urls.api = { ...rest, ws } as unknown as typeof client.urls.api;
  // ccxt refuses plain ws:// until its http agent is loaded.
  if (wsOrigin?.startsWith('ws:')) await client.loadHttpProxyAgent();
  return client;
}

function envOf(settings: VenueSettings): { env?: NodeJS.ProcessEnv } {
  return settings.env === undefined ? {} : { env: settings.env };
}
