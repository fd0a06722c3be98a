/** equity_snapshots: a bot's equity curve, one point per bot and time, written by the worker. */
import { z } from 'zod';
import { decimalColumn, decimalInput, idColumn, timeInput, timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { json, limitOf, parseInput, selectRows } from './statements.ts';

export const equitySnapshotRow = z.object({
  id: idColumn,
  userId: z.string(),
  botId: z.string(),
  time: timestampColumn,
  equityQuote: decimalColumn,
  cashQuote: decimalColumn,
});
export type EquitySnapshot = z.output<typeof equitySnapshotRow>;

const snapshotInput = z.strictObject({
  userId: z.uuid(),
  botId: z.uuid(),
  time: timeInput,
  equityQuote: decimalInput,
  cashQuote: decimalInput,
});
export type EquitySnapshotInput = z.input<typeof snapshotInput>;

export interface EquityListOptions {
  botId: string;
  from?: Date;
  to?: Date;
  limit?: number;
}

function listSnapshots(executor: Executor, options: EquityListOptions): Promise<EquitySnapshot[]> {
  return selectRows(
    executor,
    equitySnapshotRow,
    `select id, user_id as "userId", bot_id as "botId", time, equity_quote::text as "equityQuote",
       cash_quote::text as "cashQuote"
     from public.equity_snapshots
     where bot_id = $1 and time >= coalesce($2::timestamptz, '-infinity') and time < coalesce($3::timestamptz, 'infinity')
     order by time limit $4`,
    [
      options.botId,
      options.from?.toISOString() ?? null,
      options.to?.toISOString() ?? null,
      limitOf(options.limit, 1000, 100_000),
    ],
  );
}

/** The time of the newest snapshot of any of `botIds` before `before` (exclusive); null when there is none. */
async function latestSnapshotTime(executor: Executor, botIds: readonly string[], before?: Date): Promise<Date | null> {
  if (botIds.length === 0) return null;
  // One backward index probe per bot (equity_snapshots_bot_time_key), not a scan of every bot's points.
  const [row] = await executor.query(
    `select max(latest.time) as latest from jsonb_array_elements_text($1::text::jsonb) bot(id)
     cross join lateral (select e.time from public.equity_snapshots e
       where e.bot_id = bot.id::uuid and e.time < coalesce($2::timestamptz, 'infinity') order by e.time desc limit 1) latest`,
    [json(botIds), before?.toISOString() ?? null],
  );
  const latest = row?.latest;
  return latest instanceof Date ? latest : null;
}

export function userEquity(executor: Executor) {
  return {
    list: (options: EquityListOptions): Promise<EquitySnapshot[]> => listSnapshots(executor, options),
    latestTime: (botIds: readonly string[], before?: Date): Promise<Date | null> =>
      latestSnapshotTime(executor, botIds, before),
  };
}

/** Columns as inserted: validated, snake_case, for jsonb_to_recordset. */
function snapshotRows(snapshots: readonly EquitySnapshotInput[]) {
  return snapshots.map((s, i) => {
    const valid = parseInput(snapshotInput, s, `equity snapshot ${i}`);
    return {
      user_id: valid.userId,
      bot_id: valid.botId,
      time: valid.time,
      equity_quote: valid.equityQuote,
      cash_quote: valid.cashQuote,
    };
  });
}

const INSERT_SNAPSHOTS = `insert into public.equity_snapshots (user_id, bot_id, time, equity_quote, cash_quote)
  select r.user_id, r.bot_id, r.time, r.equity_quote, r.cash_quote
  from jsonb_to_recordset($1::text::jsonb)
    as r(user_id uuid, bot_id uuid, time timestamptz, equity_quote numeric, cash_quote numeric)`;

/** (bot, time) names a snapshot: the equity_snapshots_bot_time_key unique constraint. */
function snapshotKey(botId: string, time: Date): string {
  return `${botId}@${time.getTime()}`;
}

export function serviceEquity(executor: Executor) {
  return {
    list: (options: EquityListOptions): Promise<EquitySnapshot[]> => listSnapshots(executor, options),
    async insertMany(snapshots: readonly EquitySnapshotInput[]): Promise<number> {
      if (snapshots.length === 0) return 0;
      const rows = snapshotRows(snapshots);
      await executor.query(INSERT_SNAPSHOTS, [json(rows)]);
      return rows.length;
    },

    /**
     * Inserts the snapshots in one statement and returns them as stored, in the order given (the worker's group
     * commit: the stored row is the bot's equity point, no read-back). All or nothing, like any statement.
     */
    async insertReturning(snapshots: readonly EquitySnapshotInput[]): Promise<EquitySnapshot[]> {
      if (snapshots.length === 0) return [];
      const rows = snapshotRows(snapshots);
      const stored = await selectRows(
        executor,
        equitySnapshotRow,
        `${INSERT_SNAPSHOTS}
         returning id, user_id as "userId", bot_id as "botId", time, equity_quote::text as "equityQuote",
           cash_quote::text as "cashQuote"`,
        [json(rows)],
      );
      // RETURNING promises no order: match each input to its row by the unique (bot, time).
      const byKey = new Map(stored.map((row) => [snapshotKey(row.botId, row.time), row]));
      return rows.map((row) => {
        const match = byKey.get(snapshotKey(row.bot_id, new Date(row.time)));
        if (match === undefined) throw new Error(`equity snapshot of bot ${row.bot_id} at ${row.time} not returned`);
        return match;
      });
    },
  };
}
