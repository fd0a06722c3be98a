/**
 * A per-user snapshot cache for hot, read-mostly figures (the portfolio): the answer of one read made as the user,
 * served again to that user's next requests while it is fresh, instead of a database round trip per request.
 *
 * The consistency rule, which the route's description repeats to API users:
 * - an answer is served at most `ttlMs` after the read that produced it started, so a change this edge never
 *   heard about (a bus message dropped in a long Redis outage, a write through another edge instance) shows
 *   within `ttlMs`;
 * - a change the worker publishes on the stream bus for the user (any channel in `invalidatedBy`), or a write the
 *   user makes through this edge (`invalidate`), makes the next request read again; a read that was in flight
 *   when the change arrived is handed to the callers already waiting on it, never kept and never joined again;
 * - nothing is kept until the bus confirms the user's subscription, so an unheard change cannot hide behind it;
 * - concurrent requests of one user share one read, kept or not (with ttlMs 0 that is all it does).
 *
 * Entries are keyed by the verified user id only, and a value is stored only from a read that the same user's
 * request started: no user is ever served another user's answer. At most `maxUsers` users are remembered (least
 * recently used forgotten first, with their bus subscription); users idle for `idleMs` are forgotten too, swept
 * on a later request (an edge with no traffic at all keeps its last subscriptions until one comes).
 */
import type { StreamBus, StreamMessage, Unsubscribe } from '@keel/realtime';
import type { Clock } from '../ports.ts';

export interface UserSnapshotCacheOptions {
  bus: StreamBus;
  clock: Clock;
  /** Longest an answer is served after its read started; 0 keeps nothing (concurrent reads are still shared). */
  ttlMs: number;
  /** Most users remembered at once. */
  maxUsers: number;
  /** A user not asking for this long is forgotten and unsubscribed. Default 60 s. */
  idleMs?: number;
  /** Bus channels whose messages change the figure (the others, e.g. prices, are ignored). */
  invalidatedBy: ReadonlySet<StreamMessage['channel']>;
}

export interface UserSnapshotCache<T> {
  /** The user's answer while fresh; otherwise `read()`'s, shared with concurrent callers and kept if still valid. */
  get(userId: string, read: () => Promise<T>): Promise<T>;
  /** The user changed something through this edge: the next request reads again. */
  invalidate(userId: string): void;
  /** Users remembered now. */
  readonly size: number;
  /** Forgets everyone and ends every bus subscription. */
  close(): void;
}

interface Entry<T> {
  /** Bumped by every change heard for the user: a read that started under an older version is not kept. */
  version: number;
  /** True once the bus has confirmed the subscription. */
  listening: boolean;
  fresh: { snapshot: T; expiresAtMs: number } | null;
  inFlight: { version: number; answer: Promise<T> } | null;
  lastAskedMs: number;
  unsubscribe: Unsubscribe;
}

const DEFAULT_IDLE_MS = 60_000;

export function userSnapshotCache<T>(options: UserSnapshotCacheOptions): UserSnapshotCache<T> {
  const { bus, clock, ttlMs, maxUsers, invalidatedBy } = options;
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  /** In order of last use, least recent first (a Map keeps insertion order; a hit re-inserts). */
  const entries = new Map<string, Entry<T>>();
  let nextIdleSweepMs = 0;

  function changed(entry: Entry<T>): void {
    entry.version++;
    entry.fresh = null;
  }

  function open(userId: string, nowMs: number): Entry<T> {
    const entry: Entry<T> = {
      version: 0,
      listening: false,
      fresh: null,
      inFlight: null,
      lastAskedMs: nowMs,
      unsubscribe: () => {},
    };
    entry.unsubscribe = bus.subscribe(userId, (message) => {
      if (invalidatedBy.has(message.channel)) changed(entry);
    });
    bus.ready().then(
      () => {
        entry.listening = true;
      },
      // A bus that cannot confirm: nothing is ever kept for this user, every request reads (safe, only slower).
      () => {},
    );
    return entry;
  }

  function forget(userId: string, entry: Entry<T>): void {
    entries.delete(userId);
    entry.unsubscribe();
  }

  /** Drops users idle for idleMs; the map is in order of last use, so the walk stops at the first active one. */
  function sweepIdle(nowMs: number): void {
    if (nowMs < nextIdleSweepMs) return;
    nextIdleSweepMs = nowMs + idleMs / 4;
    for (const [userId, entry] of entries) {
      if (entry.lastAskedMs + idleMs > nowMs) break;
      forget(userId, entry);
    }
  }

  function touch(userId: string, nowMs: number): Entry<T> {
    let entry = entries.get(userId);
    if (entry === undefined) entry = open(userId, nowMs);
    else entries.delete(userId);
    entries.set(userId, entry);
    entry.lastAskedMs = nowMs;
    while (entries.size > maxUsers) {
      const [oldestId, oldest] = entries.entries().next().value as [string, Entry<T>];
      forget(oldestId, oldest);
    }
    return entry;
  }

  return {
    get(userId, read) {
      const nowMs = clock.now();
      sweepIdle(nowMs);
      const entry = touch(userId, nowMs);
      if (entry.fresh !== null && entry.fresh.expiresAtMs > nowMs) return Promise.resolve(entry.fresh.snapshot);
      if (entry.inFlight !== null && entry.inFlight.version === entry.version) return entry.inFlight.answer;
      const version = entry.version;
      const keepable = entry.listening && ttlMs > 0;
      const answer = read().then((snapshot) => {
        if (keepable && entry.version === version && entries.get(userId) === entry)
          entry.fresh = { snapshot, expiresAtMs: nowMs + ttlMs };
        return snapshot;
      });
      const inFlight = { version, answer };
      entry.inFlight = inFlight;
      const settled = () => {
        if (entry.inFlight === inFlight) entry.inFlight = null;
      };
      answer.then(settled, settled);
      return answer;
    },
    invalidate(userId) {
      const entry = entries.get(userId);
      if (entry !== undefined) changed(entry);
    },
    get size() {
      return entries.size;
    },
    close() {
      for (const [userId, entry] of entries) forget(userId, entry);
    },
  };
}
