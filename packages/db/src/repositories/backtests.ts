/** backtests: users queue and cancel them; the worker runs them and records the metrics. */
import { z } from 'zod';
import { jsonObjectColumn, timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { changeOne, json, limitOf, parseInput, selectOne, selectRows } from './statements.ts';

export const BACKTEST_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

export const backtestRow = z.object({
  id: z.string(),
  userId: z.string(),
  botId: z.string().nullable(),
  status: z.enum(BACKTEST_STATUSES),
  params: jsonObjectColumn,
  metrics: jsonObjectColumn.nullable(),
  error: z.string().nullable(),
  startedAt: timestampColumn.nullable(),
  finishedAt: timestampColumn.nullable(),
  createdAt: timestampColumn,
  updatedAt: timestampColumn,
});
export type Backtest = z.output<typeof backtestRow>;

const newBacktest = z.strictObject({ botId: z.uuid().optional(), params: z.record(z.string(), z.unknown()) });
export type NewBacktest = z.input<typeof newBacktest>;

const COLUMNS = `id, user_id as "userId", bot_id as "botId", status, params, metrics, error, started_at as "startedAt",
  finished_at as "finishedAt", created_at as "createdAt", updated_at as "updatedAt"`;

function notFound(id: string) {
  return { entity: 'backtest', key: id };
}

export function userBacktests(executor: Executor, userId: string) {
  return {
    list: (options: { limit?: number } = {}): Promise<Backtest[]> =>
      selectRows(
        executor,
        backtestRow,
        `select ${COLUMNS} from public.backtests order by created_at desc, id limit $1`,
        [limitOf(options.limit)],
      ),
    get: (id: string): Promise<Backtest> =>
      selectOne(executor, backtestRow, `select ${COLUMNS} from public.backtests where id = $1`, [id], notFound(id)),
    async queue(input: NewBacktest): Promise<Backtest> {
      const valid = parseInput(newBacktest, input, 'backtest');
      const [row] = await executor.query(
        `insert into public.backtests (user_id, bot_id, params) values ($1, $2, $3::text::jsonb) returning ${COLUMNS}`,
        [userId, valid.botId ?? null, json(valid.params)],
      );
      return backtestRow.parse(row);
    },
    /**
     * Queues the backtest unless the user has `maxPending` queued or running already (null then): the queue is
     * shared by every user, and one must not fill it. The count and the insert hold the user's advisory lock, so
     * concurrent submissions cannot both pass at the last free place.
     */
    async queueWithin(input: NewBacktest, maxPending: number): Promise<Backtest | null> {
      const valid = parseInput(newBacktest, input, 'backtest');
      await executor.query(`select pg_advisory_xact_lock(hashtextextended('keel.backtests.pending:' || $1, 0))`, [
        userId,
      ]);
      const [row] = await executor.query(
        `insert into public.backtests (user_id, bot_id, params)
         select $1, $2, $3::text::jsonb
         where (select count(*) from public.backtests where user_id = $1 and status in ('queued', 'running')) < $4
         returning ${COLUMNS}`,
        [userId, valid.botId ?? null, json(valid.params), maxPending],
      );
      return row === undefined ? null : backtestRow.parse(row);
    },
    async cancel(id: string): Promise<void> {
      await changeOne(
        executor,
        `update public.backtests set status = 'cancelled' where id = $1 and status in ('queued', 'running') returning id`,
        [id],
        notFound(id),
      );
    },
    async remove(id: string): Promise<void> {
      await changeOne(executor, 'delete from public.backtests where id = $1 returning id', [id], notFound(id));
    },
  };
}

export function serviceBacktests(executor: Executor) {
  return {
    /** Takes the oldest queued backtest for a worker, or null when there is none. */
    async startNext(): Promise<Backtest | null> {
      const [row] = await executor.query(
        `update public.backtests set status = 'running', started_at = now()
         where id = (select id from public.backtests where status = 'queued' order by created_at, id
                     limit 1 for update skip locked)
         returning ${COLUMNS}`,
      );
      return row === undefined ? null : backtestRow.parse(row);
    },
    /**
     * A running backtest's heartbeat (the touch trigger stamps updated_at) that also says whether it is still
     * wanted: false once its owner cancelled or deleted it, and the run can stop.
     */
    async stillRunning(id: string): Promise<boolean> {
      const rows = await executor.query(
        `update public.backtests set status = status where id = $1 and status = 'running' returning id`,
        [id],
      );
      return rows.length === 1;
    },
    /** Puts a running backtest back in the queue (its worker is shutting down): the next worker starts it afresh. */
    async requeue(id: string): Promise<void> {
      await executor.query(
        `update public.backtests set status = 'queued', started_at = null where id = $1 and status = 'running'`,
        [id],
      );
    },
    /**
     * Requeues the running backtests whose heartbeat is older than `silentMs` (their worker died); returns how many.
     * A live worker beats far more often than that, so a running backtest is never taken from it.
     */
    async requeueSilent(silentMs: number): Promise<number> {
      const rows = await executor.query(
        `update public.backtests set status = 'queued', started_at = null
         where status = 'running' and updated_at < now() - make_interval(secs => $1::float8 / 1000) returning id`,
        [silentMs],
      );
      return rows.length;
    },
    async finish(id: string, outcome: { metrics: Record<string, unknown> } | { error: string }): Promise<void> {
      const failed = 'error' in outcome;
      await changeOne(
        executor,
        `update public.backtests set status = $2::public.backtest_status, metrics = $3::text::jsonb, error = $4,
           finished_at = now() where id = $1 and status = 'running' returning id`,
        [id, failed ? 'failed' : 'succeeded', failed ? null : json(outcome.metrics), failed ? outcome.error : null],
        notFound(id),
      );
    },
  };
}
