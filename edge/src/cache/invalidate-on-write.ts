/**
 * A user's successful write through this edge (a bot created, started or stopped, a setting changed) makes their
 * cached snapshots stale at once: the next read of theirs goes to the database, not to a snapshot taken before
 * the write. Writes through another edge instance are not seen here; the cache's TTL bounds those.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/context.ts';
import type { UserSnapshotCache } from './user-snapshot-cache.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function invalidateOnWrite(caches: readonly UserSnapshotCache<unknown>[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (READ_METHODS.has(c.req.method)) return;
    const principal = c.get('principal') as AppEnv['Variables']['principal'] | undefined;
    // Also after a failed write: a refused request may still have changed something before it failed.
    if (principal !== undefined) for (const cache of caches) cache.invalidate(principal.userId);
  };
}
