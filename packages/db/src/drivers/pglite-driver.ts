/**
 * The embedded mode: PostgreSQL in process (PGlite), persisted under a data folder or in memory.
 *
 * PGlite is one backend session. Everything on it is serialized (PGlite queues queries and transactions through
 * one mutex), and a session-level SET ROLE would be visible to every later query. So this driver only ever runs
 * transactions, applies role and claims with transaction-local set_config inside each, and is never served over a
 * socket: one instance, in this process. PGlite does not lock its data folder, so this driver does, with a
 * `<dataDir>.lock` file holding the owner's pid — a second process opening the same folder would silently fork it.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { toDatabaseError } from '../errors.ts';
import {
  APPLY_SESSION_SQL,
  type Driver,
  type Executor,
  type SessionSettings,
  scopedExecutor,
  sessionParameters,
} from './driver.ts';

export interface PgliteDriverOptions {
  /** A folder to persist to; omit for an in-memory database (tests). */
  dataDir?: string;
}

/** Another live process holds the data folder. */
export class DataDirLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(`${dataDir} is in use by process ${pid}: only one process may open an embedded database`);
    this.name = 'DataDirLockedError';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes `<dataDir>.lock` (exclusive create), replacing it only when its owner is dead; returns the release. */
function lockDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  mkdirSync(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) throw new DataDirLockedError(dataDir, owner);
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

function executorOver(tx: Transaction): Executor {
  return {
    async query(text, params = []) {
      try {
        return (await tx.query<Record<string, unknown>>(text, params as unknown[])).rows;
      } catch (error) {
        throw toDatabaseError(error);
      }
    },
    async script(text) {
      try {
        await tx.exec(text);
      } catch (error) {
        throw toDatabaseError(error);
      }
    },
  };
}

export async function pgliteDriver(options: PgliteDriverOptions = {}): Promise<Driver> {
  const release = options.dataDir === undefined ? () => {} : lockDataDir(options.dataDir);
  let pg: PGlite;
  try {
    pg = await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  } catch (error) {
    release();
    throw error;
  }
  const driver: Driver = {
    kind: 'pglite',
    async transaction<T>(settings: SessionSettings, work: (executor: Executor) => Promise<T>): Promise<T> {
      try {
        return await pg.transaction(async (tx) => {
          const executor = executorOver(tx);
          if (settings.role !== null) await executor.query(APPLY_SESSION_SQL, sessionParameters(settings));
          const scoped = scopedExecutor(executor);
          try {
            return await work(scoped.executor);
          } finally {
            scoped.end();
          }
        });
      } catch (error) {
        throw toDatabaseError(error);
      }
    },
    // In process there is no round trip to save: the same transaction as every other call.
    readOnce(settings, text, params) {
      return driver.transaction(settings, (executor) => executor.query(text, params));
    },
    async close() {
      try {
        await pg.close();
      } finally {
        release();
      }
    },
  };
  return driver;
}
