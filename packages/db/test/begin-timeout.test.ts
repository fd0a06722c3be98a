/**
 * The PostgreSQL driver's wait to begin: a pool whose only connection never frees (what a connection postgres.js
 * strands on a server restart looks like from outside) gives a waiting transaction up as unreachable after
 * `beginTimeoutMs` and serves the next transactions from a fresh pool; a pool that is merely busy — its queue
 * moving, each transaction short — keeps every waiter waiting, however long the queue, and fails none.
 */
import { describe, expect, it } from 'vitest';
import { DatabaseUnreachableError } from '../src/index.ts';
import { databaseRequired, HOW_TO_GET_POSTGRES, openMigrated } from './test-database.ts';

const url = process.env.DATABASE_URL;
// Long enough that a loaded machine's scheduling gaps between two short transactions never reach it.
const BEGIN_TIMEOUT_MS = 1_000;

describe.skipIf(!url && !databaseRequired)('a transaction waiting to begin on PostgreSQL', () => {
  it('is given up when the pool stands still, and the next one gets a fresh pool', async () => {
    if (!url) throw new Error(`DATABASE_URL is not set: ${HOW_TO_GET_POSTGRES}`);
    const db = await openMigrated({ url, maxConnections: 1, beginTimeoutMs: BEGIN_TIMEOUT_MS });
    try {
      // Holds the pool's only connection for far longer than the wait allowed to the next transaction.
      const holder = db.asService((tx) => tx.query('select pg_sleep(5)'));
      holder.catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 100));
      const waiter = db.asService((tx) => tx.query('select 1 as one'));
      await expect(waiter).rejects.toBeInstanceOf(DatabaseUnreachableError);
      await expect(waiter).rejects.toMatchObject({ code: 'BEGIN_TIMEOUT' });
      const [row] = await db.asService((tx) => tx.query('select 2 as two'));
      expect(row?.two).toBe(2);
      await holder;
    } finally {
      await db.close();
    }
  });

  it('keeps waiting while the queue moves, past the timeout in all', async () => {
    if (!url) throw new Error(`DATABASE_URL is not set: ${HOW_TO_GET_POSTGRES}`);
    const db = await openMigrated({ url, maxConnections: 1, beginTimeoutMs: BEGIN_TIMEOUT_MS });
    try {
      // 30 transactions of 100 ms on one connection: the last waits about 3 s, well past the timeout.
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => db.asService((tx) => tx.query('select pg_sleep(0.1), $1::int as i', [i]))),
      );
      expect(performance.now() - started).toBeGreaterThan(2 * BEGIN_TIMEOUT_MS);
      expect(results.map(([row]) => row?.i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    } finally {
      await db.close();
    }
  });
});
