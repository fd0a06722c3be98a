/**
 * The worker's MarketExtrasHub, or null: only bots on live ccxt candles get order books and funding rates, from
 * the primary exchange of KEEL_MARKET_SOURCE (the venue their candles come from). Replays and the synthetic market
 * have none (masked, as in a backtest). KEEL_ORDER_BOOK_POLL_MS / KEEL_FUNDING_POLL_MS (ms, or `off`) and
 * KEEL_ORDER_BOOK_LEVELS tune it.
 */
import type { Logger } from '../logger.ts';
import type { CandleSource } from './candle-source.ts';
import { ccxtExchangesFrom } from './ccxt-candle-source.ts';
import { ccxtMarketExtras, DEFAULT_ORDER_BOOK_LEVELS } from './ccxt-market-extras.ts';
import { DEFAULT_FUNDING_POLL_MS, DEFAULT_ORDER_BOOK_POLL_MS, MarketExtrasHub } from './market-extras-hub.ts';

/** Below this a poll would spend the IP's request budget for no fresher decision. */
const MIN_POLL_MS = 1_000;

function pollMsFrom(name: string, raw: string | undefined, fallback: number): number | null {
  if (raw === undefined || raw.trim() === '') return fallback;
  if (raw.trim() === 'off') return null;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < MIN_POLL_MS) {
    throw new Error(`${name} must be a whole number of ms ≥ ${MIN_POLL_MS}, or "off", got "${raw}"`);
  }
  return ms;
}

function levelsFrom(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_ORDER_BOOK_LEVELS;
  const levels = Number(raw);
  if (!Number.isInteger(levels) || levels < 1 || levels > 5_000) {
    throw new Error(`KEEL_ORDER_BOOK_LEVELS must be a whole number from 1 to 5000, got "${raw}"`);
  }
  return levels;
}

export function marketExtrasFor(
  candles: CandleSource,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): MarketExtrasHub | null {
  if (candles.liveFeed === undefined) return null;
  const exchangeId = ccxtExchangesFrom(env.KEEL_MARKET_SOURCE)?.[0];
  if (exchangeId === undefined) return null;
  const orderBookPollMs = pollMsFrom(
    'KEEL_ORDER_BOOK_POLL_MS',
    env.KEEL_ORDER_BOOK_POLL_MS,
    DEFAULT_ORDER_BOOK_POLL_MS,
  );
  const fundingPollMs = pollMsFrom('KEEL_FUNDING_POLL_MS', env.KEEL_FUNDING_POLL_MS, DEFAULT_FUNDING_POLL_MS);
  if (orderBookPollMs === null && fundingPollMs === null) return null;
  const source = ccxtMarketExtras({ exchangeId, env, orderBookLevels: levelsFrom(env.KEEL_ORDER_BOOK_LEVELS) });
  logger.info({ source: source.description, orderBookPollMs, fundingPollMs }, 'market extras for the features');
  return new MarketExtrasHub({ source, logger, orderBookPollMs, fundingPollMs });
}
