/**
 * orders, for the worker's "persist, then send": the row exists (status pending, deterministic client order id)
 * before the venue hears of it, so a restart finds every order it may have sent (listUnsettled) and reconciles.
 * The database keeps orders moving forward only (see keel.guard_order_update).
 */
import type { OrderRequest } from '@keel/core/execution/types.ts';
import { z } from 'zod';
import { decimalColumn, decimalInput, idColumn, symbolInput, timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { limitOf, parseInput, selectOne, selectRows, whereSet } from './statements.ts';

export const ORDER_SIDES = ['buy', 'sell'] as const;
export const ORDER_TYPES = ['market', 'limit', 'stop'] as const;
export const ORDER_STATUSES = ['pending', 'open', 'partially_filled', 'filled', 'cancelled', 'rejected'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const orderRow = z.object({
  id: z.string(),
  userId: z.string(),
  botId: z.string(),
  clientOrderId: z.string(),
  symbol: z.string(),
  side: z.enum(ORDER_SIDES),
  type: z.enum(ORDER_TYPES),
  qtyBase: decimalColumn.nullable(),
  quoteQty: decimalColumn.nullable(),
  limitPrice: decimalColumn.nullable(),
  stopPrice: decimalColumn.nullable(),
  status: z.enum(ORDER_STATUSES),
  exchangeOrderId: z.string().nullable(),
  filledQtyBase: decimalColumn,
  filledQuote: decimalColumn,
  reason: z.string(),
  rejectReason: z.string().nullable(),
  decisionId: idColumn.nullable(),
  cancelRequestedAt: timestampColumn.nullable(),
  submittedAt: timestampColumn.nullable(),
  createdAt: timestampColumn,
  updatedAt: timestampColumn,
});
export type Order = z.output<typeof orderRow>;

// The core's OrderRequest, plus the bot it belongs to and the decision behind it.
const newOrderFields = {
  botId: z.uuid(),
  clientOrderId: z.string().regex(/^[A-Za-z0-9._:/-]{1,36}$/, '1–36 characters of A–Z a–z 0–9 . _ : / -'),
  symbol: symbolInput,
  side: z.enum(ORDER_SIDES),
  type: z.enum(ORDER_TYPES),
  qtyBase: decimalInput.optional(),
  quoteQty: decimalInput.optional(),
  limitPrice: decimalInput.optional(),
  stopPrice: decimalInput.optional(),
  reason: z.string().min(1).max(1000),
  decisionId: z
    .union([z.string().regex(/^\d+$/), z.number().int().positive()])
    .transform(String)
    .optional(),
};
const newOrder = z.strictObject(newOrderFields);
const newServiceOrder = z.strictObject({ ...newOrderFields, userId: z.uuid() });
export type NewOrder = z.input<typeof newOrder>;
export type NewServiceOrder = z.input<typeof newServiceOrder>;

const orderUpdate = z.strictObject({
  status: z.enum(ORDER_STATUSES).optional(),
  exchangeOrderId: z.string().min(1).max(100).optional(),
  filledQtyBase: decimalInput.optional(),
  filledQuote: decimalInput.optional(),
  rejectReason: z.string().min(1).max(1000).optional(),
  submitted: z.literal(true).optional(),
});
export type OrderUpdate = z.input<typeof orderUpdate>;

export interface OrderListOptions {
  botId?: string;
  status?: OrderStatus;
  limit?: number;
}

/** The order row for a core OrderRequest (same fields), for the bot that decided it. */
export function orderFromCore(request: OrderRequest, owner: { botId: string; decisionId?: string }): NewOrder {
  return { ...request, ...owner };
}

const COLUMNS = `id, user_id as "userId", bot_id as "botId", client_order_id as "clientOrderId", symbol, side, type,
  qty_base::text as "qtyBase", quote_qty::text as "quoteQty", limit_price::text as "limitPrice",
  stop_price::text as "stopPrice", status, exchange_order_id as "exchangeOrderId",
  filled_qty_base::text as "filledQtyBase", filled_quote::text as "filledQuote", reason,
  reject_reason as "rejectReason", decision_id as "decisionId", cancel_requested_at as "cancelRequestedAt",
  submitted_at as "submittedAt", created_at as "createdAt", updated_at as "updatedAt"`;
const SELECT = `select ${COLUMNS} from public.orders`;

const INSERT = `insert into public.orders (user_id, bot_id, client_order_id, symbol, side, type, qty_base, quote_qty,
    limit_price, stop_price, reason, decision_id)
  values ($1, $2, $3, $4, $5, $6, $7::numeric, $8::numeric, $9::numeric, $10::numeric, $11, $12::bigint)
  returning ${COLUMNS}`;

function insertParameters(userId: string, order: z.output<typeof newOrder>): unknown[] {
  return [
    userId,
    order.botId,
    order.clientOrderId,
    order.symbol,
    order.side,
    order.type,
    order.qtyBase ?? null,
    order.quoteQty ?? null,
    order.limitPrice ?? null,
    order.stopPrice ?? null,
    order.reason,
    order.decisionId ?? null,
  ];
}

function notFound(clientOrderId: string) {
  return { entity: 'order', key: clientOrderId };
}

function listOrders(executor: Executor, options: OrderListOptions): Promise<Order[]> {
  const { where, params } = whereSet([
    ['bot_id = ?::uuid', options.botId],
    ['status = ?::public.order_status', options.status],
  ]);
  return selectRows(
    executor,
    orderRow,
    `${SELECT} ${where} order by created_at desc, id limit ${limitOf(options.limit)}`,
    params,
  );
}

export function userOrders(executor: Executor, userId: string) {
  return {
    list: (options: OrderListOptions = {}): Promise<Order[]> => listOrders(executor, options),
    get: (clientOrderId: string): Promise<Order> =>
      selectOne(executor, orderRow, `${SELECT} where client_order_id = $1`, [clientOrderId], notFound(clientOrderId)),

    /** A manual order from the dashboard: stored pending, for the worker to send. */
    async place(input: NewOrder): Promise<Order> {
      const valid = parseInput(newOrder, input, 'order');
      const [row] = await executor.query(INSERT, insertParameters(userId, valid));
      return orderRow.parse(row);
    },

    /** Asks the worker to cancel; the status changes when the venue confirms. */
    requestCancel: (clientOrderId: string): Promise<Order> =>
      selectOne(
        executor,
        orderRow,
        `update public.orders set cancel_requested_at = coalesce(cancel_requested_at, now())
         where client_order_id = $1 returning ${COLUMNS}`,
        [clientOrderId],
        notFound(clientOrderId),
      ),
  };
}

export function serviceOrders(executor: Executor) {
  return {
    list: (options: OrderListOptions = {}): Promise<Order[]> => listOrders(executor, options),
    get: (clientOrderId: string): Promise<Order> =>
      selectOne(executor, orderRow, `${SELECT} where client_order_id = $1`, [clientOrderId], notFound(clientOrderId)),

    /** Step one of "persist, then send": the pending row. A duplicate client order id is refused by the database. */
    async persist(input: NewServiceOrder): Promise<Order> {
      const valid = parseInput(newServiceOrder, input, 'order');
      const [row] = await executor.query(INSERT, insertParameters(valid.userId, valid));
      return orderRow.parse(row);
    },

    /** What the venue said. Only the fields given change; the database refuses backward moves. */
    async update(clientOrderId: string, change: OrderUpdate): Promise<Order> {
      const valid = parseInput(orderUpdate, change, 'order update');
      return selectOne(
        executor,
        orderRow,
        `update public.orders set
           status = coalesce($2::public.order_status, status),
           exchange_order_id = coalesce($3, exchange_order_id),
           filled_qty_base = coalesce($4::numeric, filled_qty_base),
           filled_quote = coalesce($5::numeric, filled_quote),
           reject_reason = coalesce($6, reject_reason),
           submitted_at = case when $7 then coalesce(submitted_at, now()) else submitted_at end
         where client_order_id = $1 returning ${COLUMNS}`,
        [
          clientOrderId,
          valid.status ?? null,
          valid.exchangeOrderId ?? null,
          valid.filledQtyBase ?? null,
          valid.filledQuote ?? null,
          valid.rejectReason ?? null,
          valid.submitted === true,
        ],
        notFound(clientOrderId),
      );
    },

    /** A bot's orders that may still be live at the venue: what restart reconciliation must ask about. */
    listUnsettled: (botId: string): Promise<Order[]> =>
      selectRows(
        executor,
        orderRow,
        `${SELECT} where bot_id = $1 and status in ('pending', 'open', 'partially_filled') order by created_at, id`,
        [botId],
      ),
  };
}
