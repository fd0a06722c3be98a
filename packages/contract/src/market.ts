/** Market data the dashboard charts: candles of a market, for the price chart with a bot's entries and exits. */
import { z } from 'zod';
import { IsoTime, MarketSymbol, Timeframe } from './common.ts';

/** Most candles one request returns; ask again with a later `from` for more. */
export const MAX_CANDLES_PER_REQUEST = 5000;

/**
 * GET /v1/candles?symbol=BTC-USDT&timeframe=1h&from=…&to=…: stored candles, oldest first. With `from`, the first
 * `limit` candles from it (page forward with a later `from`); without, the newest `limit` before `to` (or now).
 */
export const CandleQuery = z
  .object({
    symbol: MarketSymbol,
    timeframe: Timeframe.default('1h'),
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_CANDLES_PER_REQUEST).default(1000),
  })
  .refine(
    (query) => query.from === undefined || query.to === undefined || Date.parse(query.from) < Date.parse(query.to),
    {
      message: 'from must be before to',
      path: ['from'],
    },
  );

/** [open time in ms UTC, open, high, low, close, volume]: a chart series, so numbers (see common.ts). */
export const Candle = z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]);

export const CandleSeries = z.object({
  symbol: z.string(),
  timeframe: z.string(),
  candles: z.array(Candle),
  /**
   * Present only when the request reached before the warm tier (the database's 30 days) and the cold tier could not
   * be read: `candles` are the warm tier's alone, so the series has a hole before them.
   */
  coldTier: z.literal('unavailable').optional(),
});

export type Candle = z.infer<typeof Candle>;
export type CandleSeries = z.infer<typeof CandleSeries>;
