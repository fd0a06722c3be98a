/** What the bots of a benchmark left in PostgreSQL: equity points booked, rows recorded twice, and bot states. */
import type { Database } from '../../packages/db/src/index.ts';

export interface EquityBooked {
  points: number;
  /** Bots with fewer points than the fewest expected: each is a bot that lost candles. */
  botsShort: number;
  /** Points beyond one per bot and candle (the unique (bot, time) key should make this 0 by construction). */
  doubled: number;
}

export async function equityBooked(database: Database, botIds: string[], candlesPerBot: number): Promise<EquityBooked> {
  const [row] = await database.asService((tx) =>
    tx.query(
      `select count(*)::int as points, count(distinct (bot_id, time))::int as distinct_points,
         (select count(*)::int from (
            select b.id from unnest($1::uuid[]) as b(id)
            left join public.equity_snapshots e on e.bot_id = b.id
            group by b.id having count(e.id) < $2) short) as bots_short
       from public.equity_snapshots where bot_id = any($1::uuid[])`,
      [botIds, candlesPerBot],
    ),
  );
  return {
    points: Number(row?.points),
    botsShort: Number(row?.bots_short),
    doubled: Number(row?.points) - Number(row?.distinct_points),
  };
}

/** Total equity points of the bots now: the progress probe of the stack benchmarks. */
export async function equityPointCount(database: Database, botIds: string[]): Promise<number> {
  const [row] = await database.asService((tx) =>
    tx.query('select count(*)::int as points from public.equity_snapshots where bot_id = any($1::uuid[])', [botIds]),
  );
  return Number(row?.points);
}

export interface Recorded {
  orders: number;
  fills: number;
  /** Decisions, orders and fills recorded more than once (same bot and candle, client order id, trade id). */
  duplicates: number;
  /** Orders marked filled without a fill recorded. */
  fillsMismatched: number;
}

export async function recorded(database: Database, botIds: string[]): Promise<Recorded> {
  const [row] = await database.asService((tx) =>
    tx.query(
      `select
         (select count(*)::int from public.orders where bot_id = any($1::uuid[])) as orders,
         (select count(*)::int from public.fills where bot_id = any($1::uuid[])) as fills,
         (select count(*)::int - count(distinct (bot_id, time, symbol))::int from public.decisions
            where bot_id = any($1::uuid[])) as decisions_twice,
         (select count(*)::int - count(distinct client_order_id)::int from public.orders
            where bot_id = any($1::uuid[])) as orders_twice,
         (select count(*)::int - count(distinct (client_order_id, trade_id))::int from public.fills
            where bot_id = any($1::uuid[])) as fills_twice,
         (select count(*)::int from public.orders o where o.bot_id = any($1::uuid[])
            and o.status = 'filled'
            and not exists (select 1 from public.fills f where f.client_order_id = o.client_order_id)) as mismatched`,
      [botIds],
    ),
  );
  return {
    orders: Number(row?.orders),
    fills: Number(row?.fills),
    duplicates: Number(row?.decisions_twice) + Number(row?.orders_twice) + Number(row?.fills_twice),
    fillsMismatched: Number(row?.mismatched),
  };
}

/** Bots per state ('running', 'error', …). */
export async function botStates(database: Database, botIds: string[]): Promise<Map<string, number>> {
  const rows = await database.asService((tx) =>
    tx.query('select state, count(*)::int as bots from public.bots where id = any($1::uuid[]) group by state', [
      botIds,
    ]),
  );
  return new Map(rows.map((row) => [String(row.state), Number(row.bots)]));
}
