/**
 * The optional signal providers the environment enables; absent ones read as masked, saying how to enable them.
 * - Fear & Greed: FEAR_GREED_URL (`https://api.alternative.me`; no key).
 * - CoinGecko /global (market cap change 24 h, BTC dominance): COINGECKO_URL (`https://api.coingecko.com`), with
 *   COINGECKO_API_KEY for a Demo or Pro plan.
 * - Whale Alert (exchange netflow of large transfers): WHALE_ALERT_API_KEY; WHALE_ALERT_URL
 *   (default `https://api.whale-alert.io`), WHALE_ALERT_MIN_USD (default 1,000,000).
 * - Etherscan gas oracle (Ethereum block fullness): ETHERSCAN_API_KEY; ETHERSCAN_URL (default
 *   `https://api.etherscan.io`).
 * Which are on is logged; keys never are. With `metrics`, the ones on report their refreshes and readings' ages.
 */
import type { Logger } from '../logger.ts';
import { coinGeckoGlobalProviders } from './coingecko-global-provider.ts';
import { etherscanGasProvider } from './etherscan-gas-provider.ts';
import { fearGreedProvider } from './fear-greed-provider.ts';
import type { SignalMetrics } from './polled-http-signals.ts';
import { absentSignal, type SignalProvider } from './signal-provider.ts';
import { whaleAlertProvider } from './whale-alert-provider.ts';

type Env = Readonly<Record<string, string | undefined>>;

export class SignalConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignalConfigError';
  }
}

function origin(value: string): string {
  return value.replace(/\/+$/, '');
}

function minValueUsd(env: Env): number | undefined {
  const raw = env.WHALE_ALERT_MIN_USD;
  if (raw === undefined || raw === '') return undefined;
  const usd = Number(raw);
  if (!Number.isFinite(usd) || usd <= 0) {
    throw new SignalConfigError(`WHALE_ALERT_MIN_USD must be a positive number of USD, got "${raw}"`);
  }
  return usd;
}

export function signalsFromEnv(env: Env, logger: Logger, metrics?: SignalMetrics): SignalProvider[] {
  const polling = { logger, ...(metrics === undefined ? {} : { metrics }) };
  const fearGreed = env.FEAR_GREED_URL
    ? fearGreedProvider({ baseUrl: origin(env.FEAR_GREED_URL), ...polling })
    : absentSignal('fear_greed', 'set FEAR_GREED_URL=https://api.alternative.me');
  const coinGecko = env.COINGECKO_URL
    ? coinGeckoGlobalProviders({
        baseUrl: origin(env.COINGECKO_URL),
        ...(env.COINGECKO_API_KEY ? { apiKey: env.COINGECKO_API_KEY } : {}),
        ...polling,
      })
    : ['market_cap_change_24h', 'btc_dominance'].map((name) =>
        absentSignal(name, 'set COINGECKO_URL=https://api.coingecko.com'),
      );
  const minUsd = minValueUsd(env);
  const whaleAlert = env.WHALE_ALERT_API_KEY
    ? whaleAlertProvider({
        baseUrl: origin(env.WHALE_ALERT_URL || 'https://api.whale-alert.io'),
        apiKey: env.WHALE_ALERT_API_KEY,
        ...(minUsd === undefined ? {} : { minValueUsd: minUsd }),
        ...polling,
      })
    : absentSignal('whale_exchange_netflow', 'set WHALE_ALERT_API_KEY');
  const etherscan = env.ETHERSCAN_API_KEY
    ? etherscanGasProvider({
        baseUrl: origin(env.ETHERSCAN_URL || 'https://api.etherscan.io'),
        apiKey: env.ETHERSCAN_API_KEY,
        ...polling,
      })
    : absentSignal('eth_block_fullness', 'set ETHERSCAN_API_KEY');
  const state = (on: string | undefined) => (on ? 'on' : 'off (masked)');
  logger.info(
    {
      fearGreed: state(env.FEAR_GREED_URL),
      coinGecko: state(env.COINGECKO_URL),
      whaleAlert: state(env.WHALE_ALERT_API_KEY),
      etherscan: state(env.ETHERSCAN_API_KEY),
    },
    'signal providers',
  );
  return [fearGreed, ...coinGecko, whaleAlert, etherscan];
}
