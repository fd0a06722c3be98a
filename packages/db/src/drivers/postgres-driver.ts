/**
 * PostgreSQL / Supabase through postgres.js: a connection pool, one transaction per asUser/asService call. The
 * session settings are transaction-local, so a pooled connection carries nothing from one request to the next
 * (auth.uid() tolerates the empty setting it keeps).
 */
import postgres from 'postgres';
import { toDatabaseError } from '../errors.ts';
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

export function postgresDriver(options: PostgresDriverOptions): Driver {
  const prepare = options.prepare ?? true;
  const sql = postgres(options.url, {
    max: options.maxConnections ?? 10,
    prepare,
    onnotice: () => {},
    // Rows keep the database's column names; timestamps come back as Date, numeric and int8 as text.
    transform: { undefined: null },
  });
  return {
    kind: 'postgres',
    async transaction<T>(settings: SessionSettings, work: (executor: Executor) => Promise<T>): Promise<T> {
      try {
        return (await sql.begin(async (tx) => {
          const executor = executorOver(tx, prepare);
          if (settings.role !== null) await executor.query(APPLY_SESSION_SQL, sessionParameters(settings));
          const scoped = scopedExecutor(executor);
          try {
            return await work(scoped.executor);
          } finally {
            scoped.end();
          }
        })) as T;
      } catch (error) {
        throw toDatabaseError(error);
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
      const reserved = await sql.reserve();
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
      await sql.end({ timeout: 5 });
    },
  };
}
