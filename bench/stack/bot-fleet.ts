/**
 * Users and paper bots for the stack benchmarks, made fast: accounts through @keel/db's service scope (the
 * profile trigger runs as for any sign-up) and bots with one multi-row INSERT per batch as the service role —
 * the API's one-bot-per-request path would take minutes for 10,000 bots and is not what is measured.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../packages/db/src/index.ts';

const BOT_INSERT_BATCH = 1_000;

export interface FleetOptions {
  users: number;
  botsPerUser: number;
  symbol: string;
  timeframe: string;
  /** The bots' agents (bots.agents); the same for every bot. */
  agents: unknown[];
  label: string;
}

export interface Fleet {
  userIds: string[];
  botIds: string[];
}

export async function createFleet(database: Database, options: FleetOptions): Promise<Fleet> {
  const userIds = Array.from({ length: options.users }, () => randomUUID());
  await database.asService(async (tx) => {
    for (const id of userIds) await tx.users.create({ id, email: `${options.label}-${id}@bench.test` });
  });
  const wanted = userIds.flatMap((userId) =>
    Array.from({ length: options.botsPerUser }, (_, i) => ({ userId, name: `${options.label} ${i}` })),
  );
  const botIds: string[] = [];
  for (let start = 0; start < wanted.length; start += BOT_INSERT_BATCH) {
    const batch = wanted.slice(start, start + BOT_INSERT_BATCH);
    const rows = await database.asService((tx) =>
      tx.query(
        `insert into public.bots (user_id, name, exchange, symbols, timeframe, agents, paper_starting_cash_quote,
           desired_state)
         select u, n, 'binance', array[$3::text], $4, $5::text::jsonb, 10000, 'running'
         from unnest($1::uuid[], $2::text[]) as t(u, n)
         returning id`,
        [
          batch.map((bot) => bot.userId),
          batch.map((bot) => bot.name),
          options.symbol,
          options.timeframe,
          JSON.stringify(options.agents),
        ],
      ),
    );
    botIds.push(...rows.map((row) => String(row.id)));
  }
  return { userIds, botIds };
}

/** Stops every bot of the database: a worker claims all runnable bots, so one scenario's must not run in the next. */
export async function stopAllBots(database: Database): Promise<void> {
  await database.asService((tx) => tx.query(`update public.bots set desired_state = 'stopped'`));
}
