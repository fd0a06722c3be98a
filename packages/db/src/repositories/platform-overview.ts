/**
 * The platform at a glance for administrators, across every tenant (service role only): accounts, bots by state,
 * and the trading workers as their bot leases show them. Workers keep no table of their own: a worker exists
 * while it holds leases, and it renews each lease on every heartbeat, so the latest lease expiry minus the lease
 * length is its last heartbeat, and a worker whose every lease has expired is stale (its bots are up for grabs).
 */
import { z } from 'zod';
import type { Executor } from '../drivers/driver.ts';

/** The worker's default lease (worker/src/worker.ts, bots.claimLeases): renewed on every heartbeat. */
export const DEFAULT_WORKER_LEASE_MS = 30_000;

export interface WorkerLeases {
  workerId: string;
  botsLeased: number;
  lastHeartbeatAt: Date;
  /** False once every lease it holds has expired. */
  up: boolean;
}

export interface PlatformOverview {
  users: number;
  /** As the API reports a bot's status: its state, or `killed` when its kill switch is engaged. */
  botsByStatus: Record<string, number>;
  workers: WorkerLeases[];
}

const countsRow = z.object({ users: z.number(), botsByStatus: z.record(z.string(), z.number()).nullable() });
const workerRow = z.object({
  workerId: z.string(),
  botsLeased: z.number(),
  lastHeartbeatAt: z.date(),
  up: z.boolean(),
});

export function servicePlatformOverview(executor: Executor) {
  return {
    async get(options: { leaseMs?: number } = {}): Promise<PlatformOverview> {
      const [counts] = await executor.query(
        `select (select count(*)::int from auth.users) as users,
           (select jsonb_object_agg(status, bots) from
             (select case when kill_switch then 'killed' else state::text end as status, count(*)::int as bots
              from public.bots group by 1) by_status) as "botsByStatus"`,
      );
      const workers = await executor.query(
        `select lease_owner as "workerId", count(*)::int as "botsLeased",
           max(lease_expires_at) - make_interval(secs => $1::float8 / 1000) as "lastHeartbeatAt",
           max(lease_expires_at) >= now() as up
         from public.bots where lease_owner is not null group by lease_owner order by lease_owner`,
        [options.leaseMs ?? DEFAULT_WORKER_LEASE_MS],
      );
      const parsed = countsRow.parse(counts);
      return {
        users: parsed.users,
        botsByStatus: parsed.botsByStatus ?? {},
        workers: workers.map((row) => workerRow.parse(row)),
      };
    },
  };
}
