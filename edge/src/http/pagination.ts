/**
 * Cursor pagination. A cursor is opaque to clients (base64url JSON), so how a list pages — by position in a small
 * list, by the last id seen in a keyset — can change without changing the API.
 */
import { fromBase64Url, toBase64Url, utf8 } from '../auth/encoding.ts';
import { validationProblem } from './problem.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function encodeCursor(position: Record<string, string | number>): string {
  return toBase64Url(utf8(JSON.stringify(position)));
}

/** The cursor's content, or a 400 naming the `cursor` parameter when it is not one of ours. */
export function decodeCursor(cursor: string | undefined): Record<string, unknown> | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const value = JSON.parse(new TextDecoder().decode(fromBase64Url(cursor)));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {}
  throw validationProblem([{ path: 'cursor', message: 'not a cursor this API gave out' }], 'query');
}

function offsetOf(cursor: string | undefined): number {
  const position = decodeCursor(cursor);
  if (position === null) return 0;
  const offset = position.o;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
    throw validationProblem([{ path: 'cursor', message: 'not a cursor this API gave out' }], 'query');
  }
  return offset;
}

/** A page of a list already in hand (a user's bots, tokens, channels: tens of items). */
export function pageOf<T>(items: readonly T[], limit: number, cursor: string | undefined): Page<T> {
  const offset = offsetOf(cursor);
  const slice = items.slice(offset, offset + limit);
  return { items: slice, nextCursor: offset + limit < items.length ? encodeCursor({ o: offset + limit }) : null };
}

/** For repositories that page by limit only: how many rows to fetch to serve the page after `cursor`. */
export function rowsNeeded(limit: number, cursor: string | undefined): { offset: number; fetch: number } {
  const offset = offsetOf(cursor);
  return { offset, fetch: offset + limit + 1 };
}

export function keysetPage<T>(rows: readonly T[], limit: number, keyOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor({ b: keyOf(last) }) : null };
}

export function keysetBefore(cursor: string | undefined): string | undefined {
  const position = decodeCursor(cursor);
  if (position === null) return undefined;
  if (typeof position.b !== 'string' || !/^\d{1,19}$/.test(position.b)) {
    throw validationProblem([{ path: 'cursor', message: 'not a cursor this API gave out' }], 'query');
  }
  return position.b;
}
