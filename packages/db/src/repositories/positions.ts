/** positions: derived by the worker from fills (one row per bot and symbol), read by the user. */
import { z } from 'zod';
import { decimalColumn, decimalInput, symbolInput, timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { parseInput, selectRows, whereSet } from './statements.ts';

export const positionRow = z.object({
  id: z.string(),
  userId: z.string(),
  botId: z.string(),
  symbol: z.string(),
  qtyBase: decimalColumn,
  avgEntryPriceQuote: decimalColumn,
  realizedPnlQuote: decimalColumn,
  updatedAt: timestampColumn,
});
export type Position = z.output<typeof positionRow>;

const positionInput = z.strictObject({
  userId: z.uuid(),
  botId: z.uuid(),
  symbol: symbolInput,
  qtyBase: decimalInput,
  avgEntryPriceQuote: decimalInput,
  realizedPnlQuote: decimalInput,
});
export type PositionInput = z.input<typeof positionInput>;

const COLUMNS = `id, user_id as "userId", bot_id as "botId", symbol, qty_base::text as "qtyBase",
  avg_entry_price_quote::text as "avgEntryPriceQuote", realized_pnl_quote::text as "realizedPnlQuote",
  updated_at as "updatedAt"`;

function listPositions(executor: Executor, botId?: string): Promise<Position[]> {
  const { where, params } = whereSet([['bot_id = ?::uuid', botId]]);
  return selectRows(
    executor,
    positionRow,
    `select ${COLUMNS} from public.positions ${where} order by bot_id, symbol`,
    params,
  );
}

export function userPositions(executor: Executor) {
  return { list: (options: { botId?: string } = {}): Promise<Position[]> => listPositions(executor, options.botId) };
}

export function servicePositions(executor: Executor) {
  return {
    list: (options: { botId?: string } = {}): Promise<Position[]> => listPositions(executor, options.botId),
    /** The position as the ledger now has it (insert or replace). */
    async upsert(input: PositionInput): Promise<Position> {
      const valid = parseInput(positionInput, input, 'position');
      const [row] = await executor.query(
        `insert into public.positions (user_id, bot_id, symbol, qty_base, avg_entry_price_quote, realized_pnl_quote)
         values ($1, $2, $3, $4::numeric, $5::numeric, $6::numeric)
         on conflict (bot_id, symbol) do update set qty_base = excluded.qty_base,
           avg_entry_price_quote = excluded.avg_entry_price_quote, realized_pnl_quote = excluded.realized_pnl_quote,
           updated_at = now()
         returning ${COLUMNS}`,
        [valid.userId, valid.botId, valid.symbol, valid.qtyBase, valid.avgEntryPriceQuote, valid.realizedPnlQuote],
      );
      return positionRow.parse(row);
    },
  };
}
