/**
 * Live candles from ccxt exchanges (KEEL_MARKET_SOURCE=ccxt:binance, or ccxt:binance,ccxt:kraken: the later ones
 * are fallbacks). Each market gets one LiveFeed — one loop shared by all the bots trading it — starting with
 * `warmupCandles` of history so strategies have their look-back before the first live candle. The first exchange's
 * websocket brings the candles where it can (websocket-choice.ts), REST polling being its fallback.
 */
import type { Logger } from '../logger.ts';
import type { CandleSource, MarketFeed } from './candle-source.ts';
import { ccxtCandleFetcher } from './ccxt-candle-fetcher.ts';
import { CcxtKlineStream, type CcxtKlineStreamOptions } from './ccxt-kline-stream.ts';
import { ClosedCandlePoller } from './closed-candle-poller.ts';
import { LiveFeed } from './live-feed.ts';
import { timeframeMs } from './timeframe.ts';
import { WebSocketCandlePoller } from './websocket-candle-poller.ts';
import { websocketChoice } from './websocket-choice.ts';

export interface CcxtCandleSourceOptions {
  /** ccxt exchange ids, first the primary. */
  exchangeIds: readonly string[];
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** History loaded before the first live candle; default 500. */
  warmupCandles?: number;
  pollMs?: number;
  now?: () => number;
  /** Websocket deadlines (defaults in ccxt-kline-stream.ts); whether there is one: KEEL_MARKET_WS in `env`. */
  stream?: Pick<CcxtKlineStreamOptions, 'stallMs' | 'reconnectMs' | 'maxReconnectMs'>;
}

const DEFAULT_WARMUP_CANDLES = 500;

export function ccxtCandleSource(options: CcxtCandleSourceOptions): CandleSource {
  const names = options.exchangeIds.map((id) => `ccxt:${id}`);
  const now = options.now ?? Date.now;
  const primary = options.exchangeIds[0];
  if (primary === undefined) throw new Error('a ccxt candle source needs at least one exchange');
  const websocket = websocketChoice(primary, options.env);
  if (!websocket.enabled)
    options.logger.info({ source: `ccxt:${primary}`, reason: websocket.reason }, 'no candle websocket');
  const polling = `REST polling from ${names.join(' (fallback ') + ')'.repeat(names.length - 1)}`;
  return {
    description: websocket.enabled
      ? `LIVE candles by websocket from ccxt.pro:${primary}, ${polling} when it is down`
      : `LIVE candles by ${polling}`,
    candles: () => null,
    liveFeed(symbol: string, timeframe: string): MarketFeed {
      const candleMs = timeframeMs(timeframe);
      const warmup = options.warmupCandles ?? DEFAULT_WARMUP_CANDLES;
      const poller = new ClosedCandlePoller({
        symbol,
        timeframe,
        fetchers: options.exchangeIds.map((exchangeId) =>
          ccxtCandleFetcher({ exchangeId, ...(options.env === undefined ? {} : { env: options.env }) }),
        ),
        firstOpenMs: (Math.floor(now() / candleMs) - warmup) * candleMs,
        logger: options.logger,
        now,
      });
      const stream = websocket.enabled
        ? new CcxtKlineStream({
            exchangeId: primary,
            symbol,
            timeframe,
            logger: options.logger,
            ...(options.env === undefined ? {} : { env: options.env }),
            ...options.stream,
          })
        : null;
      return new LiveFeed({
        poller: stream === null ? poller : new WebSocketCandlePoller({ stream, rest: poller, logger: options.logger }),
        logger: options.logger,
        ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
      });
    },
  };
}

/** `ccxt:binance,ccxt:kraken` → ['binance', 'kraken']; null when the variable does not ask for ccxt. */
export function ccxtExchangesFrom(marketSource: string | undefined): string[] | null {
  if (marketSource === undefined || marketSource.trim() === '') return null;
  const parts = marketSource.split(',').map((part) => part.trim());
  if (!parts.every((part) => /^ccxt:[a-z0-9]+$/.test(part))) {
    throw new Error(`KEEL_MARKET_SOURCE must be ccxt:<exchange>[,ccxt:<fallback>…], got "${marketSource}"`);
  }
  return parts.map((part) => part.slice('ccxt:'.length));
}
