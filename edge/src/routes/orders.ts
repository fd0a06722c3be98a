/**
 * /v1/orders: the orders of a user's bots, and manual orders. A placed order is stored pending with its client
 * order id (the idempotency key with the venue); the worker sends it. Cancelling asks the worker to cancel.
 */
import { z } from '@hono/zod-openapi';
import { BotScopedQuery, Order, OrderCreate, page } from '@keel/contract';
import type { Order as OrderRow } from '@keel/db';
import type { EdgeApp } from '../http/context.ts';
import { pageOf, rowsNeeded } from '../http/pagination.ts';
import { jsonAnswer } from '../http/response-headers.ts';
import { json, jsonBody, problems, type RouteKit, toIso, USER_PROBLEMS, userRoute } from '../http/route-kit.ts';

const ClientOrderIdParam = z.object({
  clientOrderId: z.string().regex(/^[A-Za-z0-9._:/-]{1,36}$/, '1–36 characters of A–Z a–z 0–9 . _ : / -'),
});
const OrderQuery = BotScopedQuery.extend({
  status: z.enum(['pending', 'open', 'partially_filled', 'filled', 'cancelled', 'rejected']).optional(),
});
const MANUAL_ORDER_REASON = 'manual order';

/** Filtering by symbol looks at this many newest rows. */
const FILTERED_WINDOW = 1000;

export function orderView(row: OrderRow): z.infer<typeof Order> {
  return {
    id: row.id,
    botId: row.botId,
    clientOrderId: row.clientOrderId,
    symbol: row.symbol,
    side: row.side,
    type: row.type,
    qtyBase: row.qtyBase,
    quoteQty: row.quoteQty,
    limitPrice: row.limitPrice,
    stopPrice: row.stopPrice,
    status: row.status,
    filledQtyBase: row.filledQtyBase,
    reason: row.reason,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

export function registerOrderRoutes(app: EdgeApp, kit: RouteKit): void {
  const tags = ['trading'];

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/orders',
      tags,
      summary: 'Orders of your bots, newest first',
      request: { query: OrderQuery },
      responses: { 200: json(page(Order), 'A page of orders'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const { limit, cursor, botId, symbol, status } = c.req.valid('query');
      if (symbol !== undefined) {
        // Filtered here, not in the database: page over the newest rows that match.
        const rows = await kit.asUser(c, (tx) =>
          tx.orders.list({ limit: FILTERED_WINDOW, ...(botId ? { botId } : {}), ...(status ? { status } : {}) }),
        );
        return jsonAnswer(c, pageOf(rows.filter((row) => row.symbol === symbol).map(orderView), limit, cursor), 200);
      }
      const { fetch } = rowsNeeded(limit, cursor);
      const rows = await kit.asUser(c, (tx) =>
        tx.orders.list({ limit: fetch, ...(botId ? { botId } : {}), ...(status ? { status } : {}) }),
      );
      const page = pageOf(rows, limit, cursor);
      return jsonAnswer(c, { items: page.items.map(orderView), nextCursor: page.nextCursor }, 200);
    },
  );

  app.openapi(
    userRoute(kit, 'trade', {
      method: 'post',
      path: '/v1/orders',
      tags,
      summary: 'Place a manual order for one of your bots',
      request: jsonBody(OrderCreate),
      responses: { 201: json(Order, 'Stored, pending'), ...problems(...USER_PROBLEMS, 409, 422) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const clientOrderId = input.clientOrderId ?? `m-${crypto.randomUUID().replaceAll('-', '').slice(0, 30)}`;
      const row = await kit.asUser(c, async (tx) => {
        // The bot must be the user's: RLS hides anyone else's, and get() then says not found.
        await tx.bots.get(input.botId);
        return tx.orders.place({
          botId: input.botId,
          clientOrderId,
          symbol: input.symbol,
          side: input.side,
          type: input.type,
          reason: MANUAL_ORDER_REASON,
          ...(input.qtyBase === undefined ? {} : { qtyBase: input.qtyBase }),
          ...(input.quoteQty === undefined ? {} : { quoteQty: input.quoteQty }),
          ...(input.limitPrice === undefined ? {} : { limitPrice: input.limitPrice }),
          ...(input.stopPrice === undefined ? {} : { stopPrice: input.stopPrice }),
        });
      });
      return jsonAnswer(c, orderView(row), 201);
    },
  );

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/orders/{clientOrderId}',
      tags,
      summary: 'One order, by its client order id',
      request: { params: ClientOrderIdParam },
      responses: { 200: json(Order, 'The order'), ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) =>
      jsonAnswer(c, orderView(await kit.asUser(c, (tx) => tx.orders.get(c.req.valid('param').clientOrderId))), 200),
  );

  app.openapi(
    userRoute(kit, 'trade', {
      method: 'post',
      path: '/v1/orders/{clientOrderId}/cancel',
      tags,
      summary: 'Ask for an order to be cancelled',
      description: 'The status changes when the venue confirms the cancel.',
      request: { params: ClientOrderIdParam },
      responses: { 202: json(Order, 'Cancel requested'), ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) =>
      jsonAnswer(
        c,
        orderView(await kit.asUser(c, (tx) => tx.orders.requestCancel(c.req.valid('param').clientOrderId))),
        202,
      ),
  );
}
