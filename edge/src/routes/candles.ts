/**
 * GET /v1/candles: a market's candles for the dashboard's price chart — the warm tier (30 days at full resolution,
 * read in the user's RLS transaction, where the candles policy admits every authenticated subject: market data is
 * public) and, for what lies before it, the cold tier when one is configured (series/candle-history.ts).
 */
import { CandleQuery, CandleSeries } from '@keel/contract';
import { TIMEFRAME_MS } from '@keel/core/market/types.ts';
import type { EdgeApp } from '../http/context.ts';
import { jsonAnswer } from '../http/response-headers.ts';
import { component, json, problems, type RouteKit, USER_PROBLEMS, userRoute } from '../http/route-kit.ts';
import { type CandleHistoryRequest, readWarmPart, withColdPart } from '../series/candle-history.ts';

export function registerCandleRoutes(app: EdgeApp, kit: RouteKit): void {
  const cold = kit.deps.coldCandles ?? null;
  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/candles',
      tags: ['market'],
      summary: 'Candles of a market, oldest first, from its whole stored history',
      description:
        'With `from`, the first `limit` candles from it (page on with a later `from`); without, the newest `limit` ' +
        'candles before `to` (or now). Candles are [open time ms, open, high, low, close, volume]. The last 30 days ' +
        'come from the database; older candles from the cold tier (InfluxDB or VictoriaMetrics) when the server has ' +
        'one. When the request reaches before the database’s candles and the cold tier cannot be read, the answer ' +
        'holds the database’s candles only and says `coldTier: "unavailable"`: the series has a hole before them — ' +
        'retry later rather than paging past it.',
      request: { query: CandleQuery },
      responses: { 200: json(component(CandleSeries, 'CandleSeries'), 'The candles'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const { symbol, timeframe, from, to, limit } = c.req.valid('query');
      const request: CandleHistoryRequest = {
        symbol,
        timeframe,
        timeframeMs: TIMEFRAME_MS[timeframe],
        limit,
        nowMs: kit.deps.clock.now(),
        ...(from === undefined ? {} : { fromMs: Date.parse(from) }),
        ...(to === undefined ? {} : { toMs: Date.parse(to) }),
      };
      // The warm part in the user's transaction; the cold tier is asked after it, holding no connection.
      const warm = await kit.asUser(c, (tx) => readWarmPart(tx.candles, request, cold !== null));
      const history = await withColdPart(cold, request, warm, (error) =>
        c.get('logger').warn({ symbol, timeframe, error: (error as Error).message }, 'cold tier unavailable'),
      );
      const candles = history.candles.map((candle): [number, number, number, number, number, number] => [
        candle.openTime,
        candle.open,
        candle.high,
        candle.low,
        candle.close,
        candle.volume,
      ]);
      return jsonAnswer(
        c,
        { symbol, timeframe, candles, ...(history.coldTier ? { coldTier: history.coldTier } : {}) },
        200,
      );
    },
  );
}
