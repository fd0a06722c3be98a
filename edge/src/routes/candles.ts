/**
 * GET /v1/candles: a market's stored candles (the warm tier, 30 days at full resolution), for the dashboard's
 * price chart. Market data is public, so any signed-in user may read any market; it still goes through the user's
 * RLS transaction, where the candles policy admits every authenticated subject.
 */
import { CandleQuery, CandleSeries } from '@keel/contract';
import type { EdgeApp } from '../http/context.ts';
import { component, json, problems, type RouteKit, USER_PROBLEMS, userRoute } from '../http/route-kit.ts';

export function registerCandleRoutes(app: EdgeApp, kit: RouteKit): void {
  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/candles',
      tags: ['market'],
      summary: 'Stored candles of a market, oldest first',
      description:
        'With `from`, the first `limit` candles from it (page on with a later `from`); without, the newest `limit` ' +
        'candles before `to` (or now). Candles are [open time ms, open, high, low, close, volume].',
      request: { query: CandleQuery },
      responses: { 200: json(component(CandleSeries, 'CandleSeries'), 'The candles'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const { symbol, timeframe, from, to, limit } = c.req.valid('query');
      const stored = await kit.asUser(c, (tx) =>
        tx.candles.range({
          symbol,
          timeframe,
          limit,
          ...(from === undefined ? {} : { from: new Date(from) }),
          ...(to === undefined ? {} : { to: new Date(to) }),
        }),
      );
      const candles = stored.map((candle): [number, number, number, number, number, number] => [
        candle.openTime,
        candle.open,
        candle.high,
        candle.low,
        candle.close,
        candle.volume,
      ]);
      return c.json({ symbol, timeframe, candles }, 200);
    },
  );
}
