/**
 * Group commit: many writers' rows through one statement. Each writer awaits its own row; the first row starts a
 * flush on the next turn of the event loop (so every bot that reached its write in this turn joins it), rows that
 * arrive while a flush is in flight wait for the next one, and one flush writes at most `maxBatchRows`. Flushes
 * run one at a time, in arrival order, so one writer's rows are stored in the order it wrote them.
 *
 * A statement is all or nothing. When it fails for a reason that belongs to some of its rows (`isRowError`: a
 * constraint, bad input), the batch is split in halves and each half written again, down to single rows, so the
 * error reaches exactly the writers whose rows caused it and every other row is stored. Any other failure (the
 * database is unreachable) fails every row of the batch at once instead of retrying it piece by piece.
 */

export interface WriteBatcherOptions<Row, Stored> {
  /** Writes the rows in one statement, all or nothing; resolves with what was stored, one per row, in order. */
  write(rows: readonly Row[]): Promise<Stored[]>;
  /** Whether a failed write may be caused by some of its rows only (then it is split); default: always. */
  isRowError?(error: unknown): boolean;
  /** Most rows in one statement; default 1,000. */
  maxBatchRows?: number;
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

export function writeBatcher<Row, Stored>(options: WriteBatcherOptions<Row, Stored>): WriteBatcher<Row, Stored> {
  const maxBatchRows = options.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS;
  if (!Number.isInteger(maxBatchRows) || maxBatchRows < 1) {
    throw new Error(`maxBatchRows must be a whole number ≥ 1, got ${maxBatchRows}`);
  }
  const isRowError = options.isRowError ?? (() => true);
  const waiting: Waiting<Row, Stored>[] = [];
  let flushing: Promise<void> | null = null;

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

  async function flushAll(): Promise<void> {
    // Let every writer that is ready in this turn of the event loop join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (waiting.length > 0) await writeOrSplit(waiting.splice(0, maxBatchRows));
    flushing = null;
  }

  return {
    write(row) {
      return new Promise<Stored>((resolve, reject) => {
        waiting.push({ row, resolve, reject });
        flushing ??= flushAll();
      });
    },
    async settled() {
      while (flushing !== null) await flushing;
    },
  };
}
