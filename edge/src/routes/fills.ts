/**
 * /v1/fills and /v1/trades: every execution, and the round-trip trades they add up to (the core's TradeLog: a
 * trade opens when a flat position is bought and closes when it is flat again).
 */
import { BotScopedQuery, Fill, page, Trade } from '@keel/contract';
import { TradeLog } from '@keel/core/backtest/trade-log.ts';
import type { Fill as FillRow } from '@keel/db';
import type { z } from 'zod';
import type { EdgeApp } from '../http/context.ts';
import { pageOf, rowsNeeded } from '../http/pagination.ts';
import { jsonAnswer } from '../http/response-headers.ts';
import { json, problems, type RouteKit, toIso, USER_PROBLEMS, userRoute } from '../http/route-kit.ts';

/** Round trips are derived from at most this many recent fills per request. */
const TRADE_FILL_WINDOW = 1000;

function fillView(row: FillRow): z.infer<typeof Fill> {
  return {
    id: row.id,
    botId: row.botId,
    clientOrderId: row.clientOrderId,
    symbol: row.symbol,
    side: row.side,
    priceQuote: row.priceQuote,
    qtyBase: row.qtyBase,
    feeQuote: row.feeQuote,
    liquidity: row.liquidity,
    time: toIso(row.time),
  };
}

/** Closed round trips per bot, newest exit first. Valuations: numbers are fine here (see the contract). */
/** Filtering by symbol looks at this many newest rows. */
const FILTERED_WINDOW = 1000;

export function roundTrips(fills: readonly FillRow[]): z.infer<typeof Trade>[] {
  const byBot = new Map<string, FillRow[]>();
  for (const fill of fills) byBot.set(fill.botId, [...(byBot.get(fill.botId) ?? []), fill]);
  const trades: z.infer<typeof Trade>[] = [];
  for (const [botId, botFills] of byBot) {
    const log = new TradeLog();
    const ordered = [...botFills].sort((a, b) => a.time.getTime() - b.time.getTime() || Number(a.id) - Number(b.id));
    for (const fill of ordered) {
      log.record({
        clientOrderId: fill.clientOrderId,
        symbol: fill.symbol,
        side: fill.side,
        time: fill.time.getTime(),
        priceQuote: Number(fill.priceQuote),
        qtyBase: Number(fill.qtyBase),
        feeQuote: Number(fill.feeQuote),
        liquidity: fill.liquidity,
      });
    }
    for (const trade of log.closed) {
      trades.push({
        botId,
        symbol: trade.symbol,
        entryTime: new Date(trade.entryTime).toISOString(),
        entryPrice: String(trade.entryPrice),
        exitTime: new Date(trade.exitTime).toISOString(),
        exitPrice: String(trade.exitPrice),
        qtyBase: String(trade.qty),
        feesQuote: String(trade.fees),
        pnlQuote: String(trade.pnl),
      });
    }
  }
  return trades.sort((a, b) => (b.exitTime ?? '').localeCompare(a.exitTime ?? ''));
}

export function registerFillRoutes(app: EdgeApp, kit: RouteKit): void {
  const tags = ['trading'];

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/fills',
      tags,
      summary: 'Fills of your bots, newest first',
      request: { query: BotScopedQuery },
      responses: { 200: json(page(Fill), 'A page of fills'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const { limit, cursor, botId, symbol } = c.req.valid('query');
      if (symbol !== undefined) {
        // Filtered here, not in the database: page over the newest rows that match.
        const rows = await kit.asUser(c, (tx) =>
          tx.fills.list({ limit: FILTERED_WINDOW, ...(botId ? { botId } : {}) }),
        );
        return jsonAnswer(c, pageOf(rows.filter((row) => row.symbol === symbol).map(fillView), limit, cursor), 200);
      }
      const { fetch } = rowsNeeded(limit, cursor);
      const rows = await kit.asUser(c, (tx) => tx.fills.list({ limit: fetch, ...(botId ? { botId } : {}) }));
      const page = pageOf(rows, limit, cursor);
      return jsonAnswer(c, { items: page.items.map(fillView), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/trades',
      tags,
      summary: 'Round-trip trades of your bots, from their recent fills',
      request: { query: BotScopedQuery },
      responses: {
        200: json(page(Trade), 'A page of closed trades, newest exit first'),
        ...problems(...USER_PROBLEMS),
      },
    }),
    async (c) => {
      const { limit, cursor, botId, symbol } = c.req.valid('query');
      const rows = await kit.asUser(c, (tx) =>
        tx.fills.list({ limit: TRADE_FILL_WINDOW, ...(botId ? { botId } : {}) }),
      );
      const trades = roundTrips(rows).filter((trade) => symbol === undefined || trade.symbol === symbol);
      return jsonAnswer(c, pageOf(trades, limit, cursor), 200);
    },
  );
}
