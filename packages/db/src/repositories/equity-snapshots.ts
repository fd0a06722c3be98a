/** equity_snapshots: a bot's equity curve, one point per bot and time, written by the worker. */
import { decimalFromString, formatDecimal } from '@keel/core/money/index.ts';
import { z } from 'zod';
import { type DecimalText, decimalColumn, decimalInput, idColumn, timeInput, timestampColumn } from '../columns.ts';
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

/** A snapshot as inserted: validated, canonical (as the database will return it), for jsonb_to_recordset. */
interface SnapshotRow {
  user_id: string;
  bot_id: string;
  time_ms: number;
  equity_quote: DecimalText;
  cash_quote: DecimalText;
}

// Lowercase, as PostgreSQL prints a uuid; what z.uuid() accepts (RFC 9562 versions 1–8, nil, max).
const CANONICAL_UUID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
// numeric(38, 18) as PostgreSQL prints it back, trimmed: no trailing fraction zero, no "-0".
const CANONICAL_DECIMAL = /^(?:0|-?[1-9]\d{0,19}|-?(?:0|[1-9]\d{0,19})\.\d{0,17}[1-9])$/;
/** The farthest a JS Date reaches from the epoch (ECMA-262 TimeClip): beyond it the schema refuses the time. */
const MAX_TIME_MS = 8.64e15;
const SNAPSHOT_KEYS = new Set(['userId', 'botId', 'time', 'equityQuote', 'cashQuote']);

/**
 * The worker's own points, already canonical (lowercase ids, whole-ms times, trimmed decimals): what the schema
 * would accept and return unchanged, checked without it. It writes one per bot per candle; anything else takes
 * the schema.
 */
function canonicalRow(s: EquitySnapshotInput): SnapshotRow | null {
  for (const key in s) if (!SNAPSHOT_KEYS.has(key)) return null;
  const { userId, botId, time, equityQuote, cashQuote } = s;
  if (
    typeof userId !== 'string' ||
    typeof botId !== 'string' ||
    typeof time !== 'number' ||
    !Number.isInteger(time) ||
    Math.abs(time) > MAX_TIME_MS ||
    typeof equityQuote !== 'string' ||
    typeof cashQuote !== 'string' ||
    !CANONICAL_UUID.test(userId) ||
    !CANONICAL_UUID.test(botId) ||
    !CANONICAL_DECIMAL.test(equityQuote) ||
    !CANONICAL_DECIMAL.test(cashQuote)
  ) {
    return null;
  }
  return { user_id: userId, bot_id: botId, time_ms: time, equity_quote: equityQuote, cash_quote: cashQuote };
}

function snapshotRow(s: EquitySnapshotInput, index: number): SnapshotRow {
  const canonical = canonicalRow(s);
  if (canonical !== null) return canonical;
  const valid = parseInput(snapshotInput, s, `equity snapshot ${index}`);
  return {
    user_id: valid.userId.toLowerCase(),
    bot_id: valid.botId.toLowerCase(),
    time_ms: Date.parse(valid.time),
    equity_quote: formatDecimal(decimalFromString(valid.equityQuote)),
    cash_quote: formatDecimal(decimalFromString(valid.cashQuote)),
  };
}

/** The rows as inserted, from a set of rows numbered from 1 (`position`) in the order given. */
const SNAPSHOT_INPUT = `select r.user_id, r.bot_id, timestamptz 'epoch' + r.time_ms * interval '1 millisecond' as time,
    r.equity_quote, r.cash_quote, r.position
  from rows from (jsonb_to_recordset($1::text::jsonb)
    as (user_id uuid, bot_id uuid, time_ms bigint, equity_quote numeric, cash_quote numeric))
    with ordinality as r(user_id, bot_id, time_ms, equity_quote, cash_quote, position)`;

const INSERT_SNAPSHOTS = `insert into public.equity_snapshots (user_id, bot_id, time, equity_quote, cash_quote)
  select user_id, bot_id, time, equity_quote, cash_quote from (${SNAPSHOT_INPUT}) input`;

// RETURNING promises no order: each stored id is matched to its input by the unique (bot, time).
const INSERT_SNAPSHOTS_RETURNING_IDS = `with input as (${SNAPSHOT_INPUT}),
  stored as (
    insert into public.equity_snapshots (user_id, bot_id, time, equity_quote, cash_quote)
    select user_id, bot_id, time, equity_quote, cash_quote from input
    returning id, bot_id, time)
  select stored.id from stored join input using (bot_id, time) order by input.position`;

export function serviceEquity(executor: Executor) {
  return {
    list: (options: EquityListOptions): Promise<EquitySnapshot[]> => listSnapshots(executor, options),
    async insertMany(snapshots: readonly EquitySnapshotInput[]): Promise<number> {
      if (snapshots.length === 0) return 0;
      const rows = snapshots.map(snapshotRow);
      await executor.query(INSERT_SNAPSHOTS, [json(rows)]);
      return rows.length;
    },

    /**
     * Inserts the snapshots in one statement and returns them as stored, in the order given (the worker's group
     * commit: the stored row is the bot's equity point). All or nothing, like any statement.
     */
    async insertReturning(snapshots: readonly EquitySnapshotInput[]): Promise<EquitySnapshot[]> {
      if (snapshots.length === 0) return [];
      const rows = snapshots.map(snapshotRow);
      // Only the ids are read back: every other column is what was sent, already in the form it is stored in.
      const ids = await executor.query(INSERT_SNAPSHOTS_RETURNING_IDS, [json(rows)]);
      if (ids.length !== rows.length) {
        throw new Error(`${rows.length} equity snapshots inserted, ${ids.length} returned`);
      }
      return rows.map((row, i) => ({
        id: String(ids[i]?.id),
        userId: row.user_id,
        botId: row.bot_id,
        time: new Date(row.time_ms),
        equityQuote: row.equity_quote,
        cashQuote: row.cash_quote,
      }));
    },
  };
}
