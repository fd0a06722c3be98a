/**
 * Group commit: many writers' rows through one statement. Each writer awaits its own row; the first row starts a
 * flush on the next turn of the event loop (so every bot that reached its write in this turn joins it), and one
 * flush writes at most `maxBatchRows`. Up to `maxFlushesInFlight` flushes run at once: while one statement commits,
 * the writers it released go on working and the next batch fills and flushes, so the process computes instead of
 * waiting on the round trip. Rows that arrive while every flush slot is taken wait, in arrival order, for the
 * next free one.
 *
 * One writer's rows are stored in the order it wrote them: with `writerOf`, a row whose writer still has a row in
 * a flush in flight (and every later row of that writer) waits for a later flush; concurrent statements never
 * carry rows of the same writer. Without `writerOf`, flushes run one at a time, in arrival order.
 *
 * A statement is all or nothing. When it fails for a reason that belongs to some of its rows (`isRowError`: a
 * constraint, bad input), the batch is split in halves and each half written again, down to single rows, so the
 * error reaches exactly the writers whose rows caused it and every other row is stored. Any other failure (the
 * database is unreachable) fails every row of the batch at once instead of retrying it piece by piece. Either way
 * a failed flush fails its own rows only: other flushes in flight go on.
 */

export interface WriteBatcherOptions<Row, Stored> {
  /** Writes the rows in one statement, all or nothing; resolves with what was stored, one per row, in order. */
  write(rows: readonly Row[]): Promise<Stored[]>;
  /** Whether a failed write may be caused by some of its rows only (then it is split); default: always. */
  isRowError?(error: unknown): boolean;
  /** Most rows in one statement; default 1,000. */
  maxBatchRows?: number;
  /** Who wrote the row (compared with SameValueZero): that writer's rows are never in two flushes at once. */
  writerOf?(row: Row): unknown;
  /** Most flushes running at once; default 1. More than 1 needs `writerOf`, to keep each writer's order. */
  maxFlushesInFlight?: number;
}

export interface WriteBatcher<Row, Stored> {
  /** Resolves with the stored row once its statement has committed; rejects with that row's error. */
  write(row: Row): Promise<Stored>;
  /** Resolves when every row written so far has been stored or refused. */
  settled(): Promise<void>;
}

export const DEFAULT_MAX_BATCH_ROWS = 1_000;

interface Waiting<Row, Stored> {
  row: Row;
  resolve(stored: Stored): void;
  reject(error: unknown): void;
}

function wholeAtLeastOne(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, got ${value}`);
  return value;
}

export function writeBatcher<Row, Stored>(options: WriteBatcherOptions<Row, Stored>): WriteBatcher<Row, Stored> {
  const maxBatchRows = wholeAtLeastOne('maxBatchRows', options.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS);
  const maxFlushesInFlight = wholeAtLeastOne('maxFlushesInFlight', options.maxFlushesInFlight ?? 1);
  const { writerOf } = options;
  if (maxFlushesInFlight > 1 && writerOf === undefined) {
    throw new Error('maxFlushesInFlight above 1 needs writerOf: concurrent statements would reorder a writer’s rows');
  }
  const isRowError = options.isRowError ?? (() => true);
  let waiting: Waiting<Row, Stored>[] = [];
  /** Rows in flight per writer (only with writerOf). */
  const writersInFlight = new Map<unknown, number>();
  const flights = new Set<Promise<void>>();
  let nextTurn: Promise<void> | null = null;

  async function writeOrSplit(batch: Waiting<Row, Stored>[]): Promise<void> {
    let stored: Stored[];
    try {
      stored = await options.write(batch.map((entry) => entry.row));
    } catch (error) {
      if (batch.length === 1 || !isRowError(error)) {
        for (const entry of batch) entry.reject(error);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await writeOrSplit(batch.slice(0, half));
      await writeOrSplit(batch.slice(half));
      return;
    }
    if (stored.length !== batch.length) {
      const error = new Error(`a batch of ${batch.length} rows stored ${stored.length}`);
      for (const entry of batch) entry.reject(error);
      return;
    }
    batch.forEach((entry, i) => {
      entry.resolve(stored[i] as Stored);
    });
  }

  /** The next batch, in arrival order, leaving out (with all their later rows) writers that are in flight. */
  function takeBatch(): Waiting<Row, Stored>[] {
    if (writerOf === undefined) return waiting.splice(0, maxBatchRows);
    const batch: Waiting<Row, Stored>[] = [];
    const held: Waiting<Row, Stored>[] = [];
    const heldWriters = new Set<unknown>();
    let scanned = 0;
    for (; scanned < waiting.length && batch.length < maxBatchRows; scanned++) {
      const entry = waiting[scanned] as Waiting<Row, Stored>;
      const writer = writerOf(entry.row);
      if (writersInFlight.has(writer) || heldWriters.has(writer)) {
        heldWriters.add(writer);
        held.push(entry);
      } else {
        batch.push(entry);
      }
    }
    waiting = scanned === waiting.length ? held : held.concat(waiting.slice(scanned));
    return batch;
  }

  function countWriters(batch: readonly Waiting<Row, Stored>[], delta: 1 | -1): void {
    if (writerOf === undefined) return;
    for (const entry of batch) {
      const writer = writerOf(entry.row);
      const rows = (writersInFlight.get(writer) ?? 0) + delta;
      if (rows === 0) writersInFlight.delete(writer);
      else writersInFlight.set(writer, rows);
    }
  }

  function startFlushes(): void {
    while (flights.size < maxFlushesInFlight && waiting.length > 0) {
      const batch = takeBatch();
      if (batch.length === 0) return;
      countWriters(batch, 1);
      const flight: Promise<void> = writeOrSplit(batch).finally(() => {
        countWriters(batch, -1);
        flights.delete(flight);
        // What arrived while this flush committed goes out now, as one flush after another always did.
        startFlushes();
      });
      flights.add(flight);
    }
  }

  function flushOnNextTurn(): void {
    if (nextTurn !== null || flights.size >= maxFlushesInFlight) return;
    // Let every writer that is ready in this turn of the event loop join the batch.
    nextTurn = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      nextTurn = null;
      startFlushes();
    });
  }

  return {
    write(row) {
      return new Promise<Stored>((resolve, reject) => {
        waiting.push({ row, resolve, reject });
        flushOnNextTurn();
      });
    },
    async settled() {
      while (nextTurn !== null || flights.size > 0) await Promise.all([nextTurn, ...flights]);
    },
  };
}
