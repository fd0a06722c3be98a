/**
 * Request coalescing: while a read for `key` is in flight, callers asking for the same key share its answer
 * instead of starting their own. A dashboard with several tabs and widgets polling one user's portfolio then
 * costs one database read per round, not one per caller. The answer is as fresh as a read that started at most
 * one read's duration before the caller asked; nothing outlives the read (no cache, no TTL).
 *
 * The key must name everything the answer depends on — for a user's data, the user id from the verified
 * principal — so no caller can ever receive another user's answer.
 */
export interface SingleFlight<T> {
  run(key: string, read: () => Promise<T>): Promise<T>;
  /** Reads in flight now (for tests). */
  readonly inFlight: number;
}

export function singleFlight<T>(): SingleFlight<T> {
  const pending = new Map<string, Promise<T>>();
  return {
    run(key, read) {
      const joined = pending.get(key);
      if (joined !== undefined) return joined;
      const started = read().finally(() => pending.delete(key));
      pending.set(key, started);
      return started;
    },
    get inFlight() {
      return pending.size;
    },
  };
}
