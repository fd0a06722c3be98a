/**
 * What the bots audit trigger costs a worker's lease heartbeat (issue #7): one statement over 10,000 bots, through
 * @keel/db's own queries (bots.renewLeases, claimLeases, reportStates), each case timed three ways in the same run:
 * - the audit trigger as of migration 20261126000041 (the baseline: it built and compared both jsonb documents of
 *   every row, lease-only or not);
 * - the audit trigger as migrated now (rows changed only in hidden columns are dropped before any jsonb is built);
 * - no audit trigger on bots updates at all (the floor).
 * A lease renewal writes no audit row either way; a state report writes one per bot either way (both checked).
 * Everything happens in one transaction of the database owner that is rolled back: the baseline function, the
 * trigger swaps and the 10,000 bots leave nothing behind. Needs DATABASE_URL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabase } from '@keel/db';
import type { Executor } from '@keel/db/drivers/driver.ts';
import { serviceBots } from '@keel/db/repositories/bots.ts';
import postgres from 'postgres';
import { printTable } from './table.ts';

const USERS = 100;
const BOTS_PER_USER = 100;
const BOTS = USERS * BOTS_PER_USER;
const WORKER = 'bench-lease-worker';
const LEASE_MS = 60_000;
/** Best of this many timed runs per case and trigger (after a warm-up run): the least disturbed measurement. */
const REPEATS = 3;
const BASELINE_MIGRATIONS = [
  '20261126000040_audit_update_join_by_id.sql',
  '20261126000041_audit_plan_per_statement.sql',
];
const BASELINE_FUNCTION = 'keel.audit_changes_as_of_041';

type Sql = postgres.TransactionSql;
type Trigger = 'as of 041' | 'now' | 'none';

/** The repository's queries on the owner's transaction (@keel/db's executor seam, over postgres.js). */
function ownerExecutor(sql: Sql): Executor {
  return {
    query: (text, params = []) => sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]),
    script: async (text) => {
      await sql.unsafe(text);
    },
  };
}

/** The update trigger function as migrations 040 and 041 left it, under a name of its own. */
function baselineFunctionSql(): string {
  const migrations = join(import.meta.dirname, '..', 'supabase', 'migrations');
  return BASELINE_MIGRATIONS.map((file) => readFileSync(join(migrations, file), 'utf8'))
    .join('\n')
    .replaceAll('keel.audit_changes()', `${BASELINE_FUNCTION}()`);
}

async function seedBots(sql: Sql): Promise<void> {
  await sql`insert into auth.users (id, email)
    select gen_random_uuid(), 'lease-bench-' || g || '@bench.test' from generate_series(1, ${USERS}) g`;
  await sql`insert into public.bots (user_id, name, exchange, symbols, timeframe, desired_state)
    select u.id, 'lease-bench-' || g, 'binance', array['BTC-USDT'], '1h', 'running'
    from auth.users u cross join generate_series(1, ${BOTS_PER_USER}) g
    where u.email like 'lease-bench-%@bench.test'`;
}

/** Points the bots update trigger at `trigger`'s function, its arguments (entity, owner, hidden columns) kept. */
async function useTrigger(sql: Sql, definition: string, trigger: Trigger): Promise<void> {
  await sql`drop trigger bots_audit_update on public.bots`;
  if (trigger === 'none') return;
  const functionName = trigger === 'now' ? 'keel.audit_changes' : BASELINE_FUNCTION;
  await sql.unsafe(definition.replace('keel.audit_changes(', `${functionName}(`));
}

async function seconds(body: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await body();
  return (performance.now() - started) / 1000;
}

async function bestOf(run: () => Promise<number>): Promise<number> {
  await run();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < REPEATS; r++) best = Math.min(best, await run());
  return best;
}

async function auditRows(sql: Sql): Promise<number> {
  const [row] = await sql`select count(*)::int as count from public.audit_log where entity = 'bots'`;
  return Number(row?.count);
}

export async function benchLeaseAudit(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log('\nLease renewals and the audit trigger: skipped — DATABASE_URL is not set.');
    return;
  }
  const db = await createDatabase({ url, maxConnections: 1 });
  try {
    await db.migrate();
  } finally {
    await db.close();
  }
  const owner = postgres(url, { max: 1, onnotice: () => {} });
  const rows: string[][] = [];
  try {
    await owner
      .begin(async (sql) => {
        await seedBots(sql);
        await sql.unsafe(baselineFunctionSql());
        const [trigger] = await sql`select pg_get_triggerdef(oid) as definition from pg_trigger
          where tgrelid = 'public.bots'::regclass and tgname = 'bots_audit_update'`;
        const definition = String(trigger?.definition);
        const bots = serviceBots(ownerExecutor(sql));
        const [ids] = await sql`select array_agg(id) as ids from public.bots where name like 'lease-bench-%'`;
        const botIds = ids?.ids as string[];
        await bots.claimLeases(WORKER, { leaseMs: LEASE_MS, limit: BOTS, which: 'new' });
        // now() is the transaction's start throughout: leases set to lapse 1 s after it are past half their length.
        const dueForRenewal = () => sql`update public.bots set lease_expires_at = now() + interval '1 second'
          where lease_owner = ${WORKER}`;
        let reports = 0;
        const cases: [string, 'no rows' | 'a row each', () => Promise<unknown>][] = [
          [
            `renew ${BOTS.toLocaleString('en')} leases (bots.renewLeases)`,
            'no rows',
            () => bots.renewLeases(WORKER, botIds, LEASE_MS),
          ],
          [
            `claim ${BOTS.toLocaleString('en')} own leases again (bots.claimLeases)`,
            'no rows',
            () => bots.claimLeases(WORKER, { leaseMs: LEASE_MS, limit: BOTS, which: 'own' }),
          ],
          [
            `report the state of ${BOTS.toLocaleString('en')} bots (bots.reportStates)`,
            'a row each',
            () => bots.reportStates(botIds, reports++ % 2 === 0 ? 'paused' : 'running'),
          ],
        ];
        const timings = new Map<string, number>();
        for (const triggerUsed of ['as of 041', 'now', 'none'] as const) {
          await useTrigger(sql, definition, triggerUsed);
          for (const [name, audited, run] of cases) {
            const before = await auditRows(sql);
            timings.set(
              `${name} ${triggerUsed}`,
              await bestOf(async () => {
                await dueForRenewal();
                return seconds(run);
              }),
            );
            const written = (await auditRows(sql)) - before;
            const expected = triggerUsed === 'none' || audited === 'no rows' ? 0 : BOTS * (REPEATS + 1);
            if (written !== expected) {
              throw new Error(`${name}, trigger ${triggerUsed}: ${written} audit rows, expected ${expected}`);
            }
          }
        }
        for (const [name, audited] of cases) {
          const baseline = timings.get(`${name} as of 041`) as number;
          const now = timings.get(`${name} now`) as number;
          const floor = timings.get(`${name} none`) as number;
          rows.push([
            name,
            audited,
            `${baseline.toFixed(2)} s`,
            `${now.toFixed(2)} s`,
            `${floor.toFixed(2)} s`,
            `${(baseline / now).toFixed(2)}×`,
          ]);
        }
        throw new RolledBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RolledBack)) throw error;
      });
  } finally {
    await owner.end();
  }
  printTable(
    `Bots updates of ${BOTS.toLocaleString('en')} rows in one statement — PostgreSQL at ${new URL(url).host}, ` +
      `best of ${REPEATS}. Baseline: the bots audit trigger as of migration 20261126000041, same run.`,
    ['operation', 'audit rows', 'trigger as of 041', 'trigger now', 'no audit trigger', 'as of 041 ÷ now'],
    rows,
  );
}

/** Thrown to end the bench's transaction with a rollback once it has its numbers. */
class RolledBack extends Error {}
