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
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
