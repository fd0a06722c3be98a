/**
 * PostgreSQL / Supabase through postgres.js: a connection pool, one transaction per asUser/asService call. The
 * session settings are transaction-local, so a pooled connection carries nothing from one request to the next
 * (auth.uid() tolerates the empty setting it keeps).
 */
import postgres from 'postgres';
import { DatabaseUnreachableError, toDatabaseError } from '../errors.ts';
import {
  APPLY_SESSION_SQL,
  type Driver,
  type Executor,
  type SessionSettings,
  scopedExecutor,
  sessionParameters,
} from './driver.ts';

export interface PostgresDriverOptions {
  url: string;
  /** Pool size (default 10). */
  maxConnections?: number;
  /**
   * Named prepared statements (default true). Turn off behind a transaction-mode pooler (Supabase's port 6543,
   * PgBouncer), which cannot keep them.
   */
  prepare?: boolean;
  /** Longest wait for a transaction to begin (a free connection, its BEGIN answered); default 30 s. */
  beginTimeoutMs?: number;
}

type Sql = postgres.Sql | postgres.TransactionSql;

function executorOver(sql: Sql, prepare: boolean): Executor {
  return {
    async query(text, params = []) {
      try {
        return await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare });
      } catch (error) {
        throw toDatabaseError(error);
      }
    },
    async script(text) {
      try {
        // No parameters: the simple query protocol, which accepts several statements.
        await sql.unsafe(text);
      } catch (error) {
        throw toDatabaseError(error);
      }
    },
  };
}

/**
 * Seconds a new connection may take to be ready. A connection opened while the server restarts can hang until this
 * runs out, holding up whatever waits for it (a worker's lease round): postgres.js's 30 s default is longer than a
 * restart takes, so give up sooner and let the caller's next round try again.
 */
const CONNECT_TIMEOUT_S = 10;

/**
 * postgres.js can strand a transaction that waits for a connection when the server drops it: the promise never
 * settles, and every later one on that connection waits too (seen here on a restart, most often on a one-connection
 * pool; porsager/postgres#1195 is the same for reserve()). A worker waiting on it would stop for good. So when a
 * transaction has waited this long to begin AND no transaction of its pool began meanwhile (a wedged pool, not a
 * busy one: under load the queue moves, and the wait goes on; a single transaction holding a one-connection pool that
 * long is taken for a wedge too), it is given up as unreachable and the pool is
 * replaced by a fresh one (the old one ends in the background). Only the wait to begin is bounded, never the work:
 * a stranded BEGIN answered later refuses the work (rolled back) rather than run it behind the caller's back.
 */
const DEFAULT_BEGIN_TIMEOUT_MS = 30_000;
/**
 * A transaction that has waited this long to begin while a later one of its pool has begun is stranded: postgres.js
 * put its BEGIN on a connection that no longer answers, while the pool's other connections go on (seen after a
 * PostgreSQL restart, one run in six of the faults bench: the pool moved, so the wedge rule above never fired, and
 * the bot waiting on it held every bot of its market for good). A BEGIN is never queued behind another
 * transaction's work (a connection in a transaction is reserved to it), and the pool's own queue is first come first
 * served, so in a healthy pool a later transaction does not begin while an earlier one waits for seconds. Capped by
 * the begin timeout.
 */
const STRANDED_AFTER_MS = 3_000;
/** Seconds the replaced pool's transactions in flight get to finish before its connections are closed. */
const REPLACED_POOL_GRACE_S = 30;

class AbandonedTransaction extends Error {}

/**
 * A postgres.js pool and when one of its transactions last began: a transaction that began had a working connection,
 * while failures (a refused connection fails at once) say nothing about whether the pool still moves.
 */
interface Pool {
  readonly sql: postgres.Sql;
  progressAt: number;
  /** Transactions asked for so far, each numbered in order (its deadline's `order`). */
  asked: number;
  /** The highest number among the transactions that began. */
  newestBegun: number;
}

/**
 * A wait to begin with a deadline: `expired` rejects once the pool has been wedged for `ms`, or once this one has
 * waited `strandedMs` and a later transaction has begun meanwhile, unless `begin()` came first.
 */
interface BeginDeadline {
  /** Called once the transaction has its connection; false when the caller has already given up. */
  begin(): boolean;
  readonly expired: Promise<never>;
  clear(): void;
}

function beginDeadline(pool: Pool, ms: number, onWedged: () => void): BeginDeadline {
  const strandedMs = Math.min(ms, STRANDED_AFTER_MS);
  const order = ++pool.asked;
  const askedAt = performance.now();
  let state: 'waiting' | 'begun' | 'abandoned' = 'waiting';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    const giveUp = (why: string, code: 'BEGIN_TIMEOUT' | 'BEGIN_STRANDED') => {
      state = 'abandoned';
      onWedged();
      reject(new DatabaseUnreachableError(why, code));
    };
    const check = () => {
      if (state !== 'waiting') return;
      const now = performance.now();
      if (pool.newestBegun > order) {
        return giveUp(`waited ${strandedMs} ms to begin while later transactions began`, 'BEGIN_STRANDED');
      }
      const stillFor = ms - (now - pool.progressAt);
      if (stillFor <= 0 && now - askedAt >= ms) {
        return giveUp(`no transaction could begin for ${ms} ms`, 'BEGIN_TIMEOUT');
      }
      // Nothing later began, and the pool moved lately (a queue, not a wedge) or the wait is young: look again soon.
      timer = setTimeout(check, Math.max(1, Math.min(strandedMs, Math.max(stillFor, ms - (now - askedAt)))));
    };
    timer = setTimeout(check, strandedMs);
  });
  // Nobody may be listening any more when it expires (the transaction won the race): that is not an error.
  expired.catch(() => {});
  return {
    begin() {
      if (state === 'abandoned') return false;
      state = 'begun';
      pool.progressAt = performance.now();
      pool.newestBegun = Math.max(pool.newestBegun, order);
      clearTimeout(timer);
      return true;
    },
    expired,
    clear: () => clearTimeout(timer),
  };
}

export function postgresDriver(options: PostgresDriverOptions): Driver {
  const prepare = options.prepare ?? true;
  const beginTimeoutMs = options.beginTimeoutMs ?? DEFAULT_BEGIN_TIMEOUT_MS;
  const openPool = (): Pool => ({
    sql: postgres(options.url, {
      max: options.maxConnections ?? 10,
      connect_timeout: CONNECT_TIMEOUT_S,
      prepare,
      onnotice: () => {},
      // Rows keep the database's column names; timestamps come back as Date, numeric and int8 as text.
      transform: { undefined: null },
    }),
    progressAt: performance.now(),
    asked: 0,
    newestBegun: 0,
  });
  let current = openPool();
  /** `pool` is wedged: later transactions get a fresh pool (once, however many waits found it so). */
  function replacePool(pool: Pool): void {
    if (current !== pool) return;
    current = openPool();
    // Not awaited: end() may never settle on a broken pool (porsager/postgres#1097).
    pool.sql.end({ timeout: REPLACED_POOL_GRACE_S }).catch(() => {});
  }
  const deadlineOn = (pool: Pool) => beginDeadline(pool, beginTimeoutMs, () => replacePool(pool));

  return {
    kind: 'postgres',
    async transaction<T>(settings: SessionSettings, work: (executor: Executor) => Promise<T>): Promise<T> {
      const pool = current;
      const deadline = deadlineOn(pool);
      const transaction = pool.sql.begin(async (tx) => {
        if (!deadline.begin()) throw new AbandonedTransaction('the caller gave this transaction up before it began');
        const executor = executorOver(tx, prepare);
        if (settings.role !== null) await executor.query(APPLY_SESSION_SQL, sessionParameters(settings));
        const scoped = scopedExecutor(executor);
        try {
          return await work(scoped.executor);
        } finally {
          scoped.end();
        }
      });
      // Once given up, the transaction settles (if ever) with nobody waiting for it.
      transaction.catch(() => {});
      try {
        return (await Promise.race([transaction, deadline.expired])) as T;
      } catch (error) {
        throw toDatabaseError(error);
      } finally {
        deadline.clear();
      }
    },
    /**
     * begin, the session settings, the statement and commit written to one reserved connection at once: postgres.js
     * pipelines them (extended protocol, in order), so the read costs one round trip instead of four. The order is
     * what `transaction` does, so row-level security holds the same way: the statement runs inside the transaction
     * after set_config has switched role and claims; if set_config fails, the transaction is aborted and the
     * statement fails with it (25P02). Every reply is awaited and any failure discards the rows, so a result is only
     * returned when begin, settings, statement and commit all succeeded. Read-only statements only: a write must see
     * its commit's outcome through `transaction`.
     */
    async readOnce(settings, text, params) {
      const pool = current;
      const deadline = deadlineOn(pool);
      const reserving = pool.sql.reserve();
      // A connection reserved after the caller gave up goes straight back to the pool.
      reserving.then((late) => deadline.begin() || late.release()).catch(() => {});
      let reserved: postgres.ReservedSql;
      try {
        reserved = await Promise.race([reserving, deadline.expired]);
      } catch (error) {
        throw toDatabaseError(error);
      } finally {
        deadline.clear();
      }
      try {
        const replies = await Promise.allSettled([
          reserved.unsafe('begin'),
          reserved.unsafe(APPLY_SESSION_SQL, sessionParameters(settings), { prepare }),
          reserved.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare }),
          reserved.unsafe('commit'),
        ]);
        const failed = replies.find((reply) => reply.status === 'rejected');
        if (failed !== undefined) {
          // A failed statement has already turned the commit into a rollback; this ends the transaction if the
          // commit itself failed to arrive, and is a harmless warning otherwise.
          await reserved.unsafe('rollback').catch(() => {});
          throw failed.reason;
        }
        return (replies[2] as PromiseFulfilledResult<postgres.RowList<postgres.Row[]>>).value;
      } catch (error) {
        throw toDatabaseError(error);
      } finally {
        reserved.release();
      }
    },
    async close() {
      await current.sql.end({ timeout: 5 });
    },
  };
}
