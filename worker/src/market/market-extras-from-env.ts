/**
 * The worker's MarketExtrasHub, or null: only bots on live ccxt candles get order books and funding rates, from
 * the primary exchange of KEEL_MARKET_SOURCE (the venue their candles come from). Replays and the synthetic market
 * have none (masked, as in a backtest). KEEL_ORDER_BOOK_POLL_MS / KEEL_FUNDING_POLL_MS (ms, or `off`) and
 * KEEL_ORDER_BOOK_LEVELS tune it. KEEL_TRADE_POLL_MS (ms, or `off`) turns each market's trade stream for the
 * taker-flow signal on or off and sets its REST poll; KEEL_MARKET_WS decides whether the trades come by websocket,
 * as for the candles.
 */
import type { Logger } from '../logger.ts';
import type { CandleSource } from './candle-source.ts';
import { ccxtExchangesFrom } from './ccxt-candle-source.ts';
import { ccxtMarketExtras, DEFAULT_ORDER_BOOK_LEVELS } from './ccxt-market-extras.ts';
import { ccxtTradePages } from './ccxt-trade-pages.ts';
import { CcxtTradeStream } from './ccxt-trade-stream.ts';
import { DEFAULT_FUNDING_POLL_MS, DEFAULT_ORDER_BOOK_POLL_MS, MarketExtrasHub } from './market-extras-hub.ts';
import { DEFAULT_TRADE_POLL_MS, type TakerFlowObserver, TakerFlowStream } from './taker-flow-stream.ts';
import { websocketChoice } from './websocket-choice.ts';

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

/** The worker's metrics as the trade streams report to them (observability/metrics.ts). */
export interface TradeMetrics {
  marketTrades: { inc(labels: { symbol: string; source: string }, count: number): void };
  takerFlowCovered(symbol: string, untilMs: number): void;
}

/** The trade streams' observer that counts into the worker's metrics. */
export function takerFlowObserver(metrics: TradeMetrics | undefined): TakerFlowObserver | undefined {
  if (metrics === undefined) return undefined;
  return {
    tradesTaken: (symbol, source, count) => metrics.marketTrades.inc({ symbol, source }, count),
    covered: (symbol, untilMs) => metrics.takerFlowCovered(symbol, untilMs),
  };
}

/** Per market: REST pages through the shared limiter, and the trade websocket where websocketChoice allows it. */
function takerFlowStreams(
  exchangeId: string,
  env: NodeJS.ProcessEnv,
  pollMs: number,
  logger: Logger,
  metrics: TradeMetrics | undefined,
): (symbol: string) => TakerFlowStream {
  const pages = ccxtTradePages({ exchangeId, env });
  const websocket = websocketChoice(exchangeId, env, 'trades');
  const observer = takerFlowObserver(metrics);
  if (!websocket.enabled)
    logger.info({ exchange: exchangeId, reason: websocket.reason }, 'trades by REST polling only');
  return (symbol) =>
    new TakerFlowStream({
      symbol,
      pages,
      websocket: websocket.enabled ? new CcxtTradeStream({ exchangeId, symbol, logger, env }) : null,
      logger,
      pollMs,
      ...(observer === undefined ? {} : { observer }),
    });
}

export function marketExtrasFor(
  candles: CandleSource,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
  metrics?: TradeMetrics,
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
  const tradePollMs = pollMsFrom('KEEL_TRADE_POLL_MS', env.KEEL_TRADE_POLL_MS, DEFAULT_TRADE_POLL_MS);
  if (orderBookPollMs === null && fundingPollMs === null && tradePollMs === null) return null;
  const source = ccxtMarketExtras({ exchangeId, env, orderBookLevels: levelsFrom(env.KEEL_ORDER_BOOK_LEVELS) });
  const takerFlow = tradePollMs === null ? null : takerFlowStreams(exchangeId, env, tradePollMs, logger, metrics);
  logger.info(
    { source: source.description, orderBookPollMs, fundingPollMs, tradePollMs },
    'market extras for the features and signals',
  );
  return new MarketExtrasHub({ source, logger, orderBookPollMs, fundingPollMs, takerFlow });
}
