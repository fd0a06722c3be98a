/** Redis stream entry ids ("<ms>-<seq>", https://redis.io/docs/latest/develop/data-types/streams/#entry-ids). */

/** The id before every entry: reading "after" it reads a stream from its start. */
export const STREAM_START_ID = '0-0';

/** Negative, zero or positive as entry id `a` comes before, is, or comes after `b`. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs, aSeq] = parts(a);
  const [bMs, bSeq] = parts(b);
  return aMs === bMs ? aSeq - bSeq : aMs - bMs;
}

function parts(id: string): [number, number] {
  const dash = id.indexOf('-');
  // Both halves are below 2^53 for any millisecond clock and sequence Redis will ever hand out.
  return dash === -1 ? [Number(id), 0] : [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}
