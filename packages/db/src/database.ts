/**
 * The data-access entry point shared by edge and worker:
 *
 *   const db = await createDatabase({ url: process.env.DATABASE_URL })   // PostgreSQL / Supabase
 *   const db = await createDatabase({ pglite: { dataDir } })             // embedded, in process
 *   await db.asUser(claims, (tx) => tx.bots.list(), { requestId, ip })  // RLS decides what exists
 *   await db.asService((tx) => tx.bots.claimLeases(workerId))            // the worker's explicit paths
 *
 * Every call is one transaction. It begins with transaction-local settings — role, JWT claims, request id and
 * IP — exactly as PostgREST scopes a request, so the same policies hold here and on hosted Supabase.
 */
import type { Driver, DriverKind } from './drivers/driver.ts';
import { pgliteDriver } from './drivers/pglite-driver.ts';
import { postgresDriver } from './drivers/postgres-driver.ts';
import {
  applyMigrations,
  applySeed,
  type Migration,
  type MigrationReport,
  type MigrationStatus,
  migrationStatus,
  readMigrations,
} from './migrate.ts';
import { type AnonScope, anonScope, type ServiceScope, serviceScope, type UserScope, userScope } from './scopes.ts';
import {
  anonSession,
  type JwtClaims,
  type RequestContext,
  type ServiceContext,
  serviceSession,
  userSession,
} from './session.ts';

export type DatabaseOptions =
  | {
      /** postgres://… of PostgreSQL 15+ or Supabase (the direct or session-mode pooler connection). */
      url: string;
      /** Pool size (default 10). */
      maxConnections?: number;
      /** Named prepared statements (default true); false behind a transaction-mode pooler. */
      prepare?: boolean;
      /** Longest wait for a transaction to begin before it is given up as unreachable (default 30 s). */
      beginTimeoutMs?: number;
    }
  | {
      /** In-process PGlite; without dataDir, in memory. */
      pglite: { dataDir?: string };
    };

export interface Database {
  readonly driver: DriverKind;
  /** One transaction as the user of `claims` (role authenticated); RLS scopes every statement to their rows. */
  asUser<T>(claims: JwtClaims, work: (tx: UserScope) => Promise<T>, context?: RequestContext): Promise<T>;
  /**
   * One read-only statement as the user of `claims`, in a transaction of its own, under the same RLS as asUser;
   * on PostgreSQL it costs one round trip instead of four (the hot dashboard reads).
   */
  readAsUser(
    claims: JwtClaims,
    text: string,
    params?: readonly unknown[],
    context?: RequestContext,
  ): Promise<Record<string, unknown>[]>;
  /** One transaction as anon: sees nothing of Keel's tables. */
  asAnon<T>(work: (tx: AnonScope) => Promise<T>, context?: RequestContext): Promise<T>;
  /** One transaction as service_role (bypasses RLS): the worker's and the admin's paths. */
  asService<T>(work: (tx: ServiceScope) => Promise<T>, context?: ServiceContext): Promise<T>;
  /** Applies pending migrations (supabase/migrations by default). */
  migrate(options?: { migrations?: Migration[]; log?: (line: string) => void }): Promise<MigrationReport>;
  migrationStatus(options?: { migrations?: Migration[] }): Promise<MigrationStatus[]>;
  /** Loads supabase/seed.sql (demo data for local development). */
  seed(file?: string): Promise<void>;
  /**
   * The same database through a connection of its own, outside the pool: work that must not queue behind the
   * pool's writes (the worker's lease heartbeat) runs there. Embedded (PGlite, one session) it is this database
   * itself. close() the connection when done; that leaves this database open.
   */
  ownConnection(): Database;
  close(): Promise<void>;
}

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if ('url' in options)
    return databaseOver(postgresDriver(postgresOptions(options)), () => ownPostgresConnection(options));
  const driver = await pgliteDriver(options.pglite);
  // One backend session in process: nothing to gain from another, and closing it must not close the database.
  const sharedSession: Database = databaseOver({ ...driver, close: async () => {} }, () => sharedSession);
  return databaseOver(driver, () => sharedSession);
}

function postgresOptions(options: Extract<DatabaseOptions, { url: string }>) {
  return {
    url: options.url,
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    ...(options.prepare === undefined ? {} : { prepare: options.prepare }),
    ...(options.beginTimeoutMs === undefined ? {} : { beginTimeoutMs: options.beginTimeoutMs }),
  };
}

function ownPostgresConnection(options: Extract<DatabaseOptions, { url: string }>): Database {
  const single = { ...options, maxConnections: 1 };
  return databaseOver(postgresDriver(postgresOptions(single)), () => ownPostgresConnection(single));
}

function databaseOver(driver: Driver, ownConnection: () => Database): Database {
  return {
    driver: driver.kind,
    async asUser(claims, work, context) {
      const session = userSession(claims, context);
      return driver.transaction(session, (executor) => work(userScope(executor, session.userId)));
    },
    readAsUser(claims, text, params = [], context) {
      return driver.readOnce(userSession(claims, context), text, params);
    },
    async asAnon(work, context) {
      return driver.transaction(anonSession(context), (executor) => work(anonScope(executor)));
    },
    async asService(work, context) {
      return driver.transaction(serviceSession(context), (executor) => work(serviceScope(executor)));
    },
    migrate: (migrateOptions = {}) =>
      applyMigrations(driver, migrateOptions.migrations ?? readMigrations(), migrateOptions.log),
    migrationStatus: (statusOptions = {}) => migrationStatus(driver, statusOptions.migrations ?? readMigrations()),
    seed: (file) => applySeed(driver, file),
    ownConnection,
    close: () => driver.close(),
  };
}

/**
 * Where the environment points: DATABASE_URL → PostgreSQL/Supabase; otherwise the embedded database in
 * KEEL_DB_DIR (or `defaultDbDir`), under pgdata/.
 */
export function databaseOptionsFromEnv(
  env: NodeJS.ProcessEnv,
  defaultDbDir: string,
): { options: DatabaseOptions; description: string; dbDir: string | null } {
  if (env.DATABASE_URL) {
    const redacted = env.DATABASE_URL.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
    return { options: { url: env.DATABASE_URL }, description: `PostgreSQL at ${redacted}`, dbDir: null };
  }
  const dbDir = env.KEEL_DB_DIR || defaultDbDir;
  return {
    options: { pglite: { dataDir: `${dbDir}/pgdata` } },
    description: `embedded PGlite in ${dbDir}/pgdata`,
    dbDir,
  };
}
