/**
 * fills: append-only (the database refuses update and delete to all but the service). A fill is unique per order
 * and venue trade id, so one reported twice — by the WebSocket and by a REST poll — is refused, not double-counted.
 * Batches go in as one statement (jsonb_to_recordset): one round trip and one audit statement per batch.
 */
import type { Fill as CoreFill } from '@keel/core/execution/types.ts';
import { z } from 'zod';
import { decimalColumn, decimalInput, idColumn, symbolInput, timeInput, timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { ORDER_SIDES } from './orders.ts';
import { json, limitOf, parseInput, selectRows, whereSet } from './statements.ts';

export const LIQUIDITIES = ['maker', 'taker'] as const;

export const fillRow = z.object({
  id: idColumn,
  userId: z.string(),
  botId: z.string(),
  clientOrderId: z.string(),
  symbol: z.string(),
  side: z.enum(ORDER_SIDES),
  tradeId: z.string(),
  time: timestampColumn,
  priceQuote: decimalColumn,
  qtyBase: decimalColumn,
  feeQuote: decimalColumn,
  liquidity: z.enum(LIQUIDITIES),
  createdAt: timestampColumn,
});
export type Fill = z.output<typeof fillRow>;

const newFillFields = {
  botId: z.uuid(),
  clientOrderId: z.string().min(1).max(36),
  symbol: symbolInput,
  side: z.enum(ORDER_SIDES),
  tradeId: z.string().min(1).max(100),
  time: timeInput,
  priceQuote: decimalInput,
  qtyBase: decimalInput,
  feeQuote: decimalInput,
  liquidity: z.enum(LIQUIDITIES),
};
const newFill = z.strictObject(newFillFields);
const newServiceFill = z.strictObject({ ...newFillFields, userId: z.uuid() });
export type NewFill = z.input<typeof newFill>;
export type NewServiceFill = z.input<typeof newServiceFill>;

/** The row for a core Fill (same fields), with the bot it belongs to and the venue's (or paper broker's) trade id. */
export function fillFromCore(fill: CoreFill, owner: { botId: string; tradeId: string }): NewFill {
  return { ...fill, ...owner };
}

export interface FillListOptions {
  botId?: string;
  clientOrderId?: string;
  limit?: number;
}

const COLUMNS = `id, user_id as "userId", bot_id as "botId", client_order_id as "clientOrderId", symbol, side,
  trade_id as "tradeId", time, price_quote::text as "priceQuote", qty_base::text as "qtyBase",
  fee_quote::text as "feeQuote", liquidity, created_at as "createdAt"`;

const INSERT_BATCH = `insert into public.fills (user_id, bot_id, client_order_id, symbol, side, trade_id, time,
    price_quote, qty_base, fee_quote, liquidity)
  select r.user_id, r.bot_id, r.client_order_id, r.symbol, r.side, r.trade_id, r.time, r.price_quote, r.qty_base,
    r.fee_quote, r.liquidity
  from jsonb_to_recordset($1::text::jsonb) as r(user_id uuid, bot_id uuid, client_order_id text, symbol text,
    side public.order_side, trade_id text, time timestamptz, price_quote numeric, qty_base numeric, fee_quote numeric,
    liquidity public.liquidity)`;

const INSERT_ONE = `insert into public.fills (user_id, bot_id, client_order_id, symbol, side, trade_id, time, price_quote,
    qty_base, fee_quote, liquidity)
  values ($1, $2, $3, $4, $5, $6, $7::timestamptz, $8::numeric, $9::numeric, $10::numeric, $11)
  returning ${COLUMNS}`;

type ValidFill = z.output<typeof newFill> & { userId: string };

function batchRow(fill: ValidFill) {
  return {
    user_id: fill.userId,
    bot_id: fill.botId,
    client_order_id: fill.clientOrderId,
    symbol: fill.symbol,
    side: fill.side,
    trade_id: fill.tradeId,
    time: fill.time,
    price_quote: fill.priceQuote,
    qty_base: fill.qtyBase,
    fee_quote: fill.feeQuote,
    liquidity: fill.liquidity,
  };
}

async function insertOne(executor: Executor, fill: ValidFill): Promise<Fill> {
  const [row] = await executor.query(INSERT_ONE, [
    fill.userId,
    fill.botId,
    fill.clientOrderId,
    fill.symbol,
    fill.side,
    fill.tradeId,
    fill.time,
    fill.priceQuote,
    fill.qtyBase,
    fill.feeQuote,
    fill.liquidity,
  ]);
  return fillRow.parse(row);
}

/** Inserts all or none; returns how many. */
async function insertBatch(executor: Executor, fills: ValidFill[]): Promise<number> {
  if (fills.length === 0) return 0;
  await executor.query(INSERT_BATCH, [json(fills.map(batchRow))]);
  return fills.length;
}

function listFills(executor: Executor, options: FillListOptions): Promise<Fill[]> {
  const { where, params } = whereSet([
    ['bot_id = ?::uuid', options.botId],
    ['client_order_id = ?', options.clientOrderId],
  ]);
  return selectRows(
    executor,
    fillRow,
    `select ${COLUMNS} from public.fills ${where} order by time desc, id desc limit ${limitOf(options.limit)}`,
    params,
  );
}

export function userFills(executor: Executor, userId: string) {
  return {
    list: (options: FillListOptions = {}): Promise<Fill[]> => listFills(executor, options),
    insert: (fill: NewFill): Promise<Fill> => insertOne(executor, { ...parseInput(newFill, fill, 'fill'), userId }),
    insertMany: (fills: readonly NewFill[]): Promise<number> =>
      insertBatch(
        executor,
        fills.map((fill, i) => ({ ...parseInput(newFill, fill, `fill ${i}`), userId })),
      ),
  };
}

export function serviceFills(executor: Executor) {
  return {
    list: (options: FillListOptions = {}): Promise<Fill[]> => listFills(executor, options),
    insert: (fill: NewServiceFill): Promise<Fill> => insertOne(executor, parseInput(newServiceFill, fill, 'fill')),
    insertMany: (fills: readonly NewServiceFill[]): Promise<number> =>
      insertBatch(
        executor,
        fills.map((fill, i) => parseInput(newServiceFill, fill, `fill ${i}`)),
      ),
  };
}
