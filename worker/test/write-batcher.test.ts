/**
 * The group commit of equity points on a real database (PGlite in process): many bots' rows in one statement, the
 * next flush taking what arrived meanwhile, bounded batches, a refused row failing only its bot, and each bot's
 * points stored in the order it wrote them; with several flushes in flight, the next batch flushing while the
 * previous one commits, a failed flush failing its own rows only, and nothing left unwritten when it settles.
 */
import { randomUUID } from 'node:crypto';
import { ConstraintViolationError, createDatabase, type Database, type EquitySnapshotInput } from '@keel/db';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equityBatcher } from '../src/bots/equity-batcher.ts';
import { writeBatcher } from '../src/bots/write-batcher.ts';
import { claimsFor } from './harness.ts';

const MINUTE_MS = 60_000;
const START_MS = Date.UTC(2024, 6, 27);

let db: Database;
let userId: string;

beforeAll(async () => {
  db = await createDatabase({ pglite: {} });
  await db.migrate();
  userId = await db.asService((tx) => tx.users.create({ email: `batcher-${randomUUID()}@worker.test` }));
});
afterAll(async () => {
  await db.close();
});

async function newBots(count: number): Promise<string[]> {
  return db.asUser(claimsFor(userId), async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const bot = await tx.bots.create({
        name: `b${i}-${randomUUID()}`,
        exchange: 'binance',
        symbols: ['BTC-USDT'],
        timeframe: '1m',
      });
      ids.push(bot.id);
    }
    return ids;
  });
}

function point(botId: string, minute: number, equityQuote = '10000.5'): EquitySnapshotInput {
  return { userId, botId, time: START_MS + minute * MINUTE_MS, equityQuote, cashQuote: '10000' };
}

/** The real insert, with the size of every statement noted. */
function measuredBatcher(maxBatchRows?: number, gate?: Promise<void>) {
  const statementRows: number[] = [];
  const batcher = writeBatcher({
    async write(rows: readonly EquitySnapshotInput[]) {
      statementRows.push(rows.length);
      await gate;
      return db.asService((tx) => tx.equity.insertReturning(rows));
    },
    isRowError: (error) => error instanceof ConstraintViolationError,
    ...(maxBatchRows === undefined ? {} : { maxBatchRows }),
  });
  return { batcher, statementRows };
}

function storedTimes(botId: string): Promise<number[]> {
  return db.asService(async (tx) =>
    (await tx.equity.list({ botId, limit: 10_000 })).map((row) => (row.time.getTime() - START_MS) / MINUTE_MS),
  );
}

describe('group commit of equity points', () => {
  it('writes the points of many bots in one statement and hands each bot its stored row', async () => {
    const bots = await newBots(40);
    const { batcher, statementRows } = measuredBatcher();
    const stored = await Promise.all(bots.map((botId, i) => batcher.write(point(botId, 0, `${10_000 + i}.25`))));
    expect(statementRows).toEqual([40]);
    stored.forEach((row, i) => {
      expect(row.botId).toBe(bots[i]);
      expect(row.time.getTime()).toBe(START_MS);
      expect(row.equityQuote).toBe(`${10_000 + i}.25`);
      expect(row.cashQuote).toBe('10000');
    });
    expect(new Set(stored.map((row) => row.id)).size).toBe(40);
  });

  it('puts the rows that arrive during a flush into the next one, at most maxBatchRows each', async () => {
    const bots = await newBots(25);
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const { batcher, statementRows } = measuredBatcher(10, gate);
    const first = batcher.write(point(bots[0] as string, 0));
    while (statementRows.length === 0) await new Promise((resolve) => setImmediate(resolve));
    const rest = bots.slice(1).map((botId) => batcher.write(point(botId, 0)));
    open();
    await Promise.all([first, ...rest]);
    expect(statementRows).toEqual([1, 10, 10, 4]);
  });

  it('fails only the bot whose row the database refuses; every other row is stored', async () => {
    const bots = await newBots(12);
    const duplicated = bots[3] as string;
    const deleted = bots[8] as string;
    await db.asService((tx) => tx.equity.insertMany([point(duplicated, 0)]));
    await db.asUser(claimsFor(userId), (tx) => tx.bots.remove(deleted));
    const { batcher, statementRows } = measuredBatcher();
    const outcomes = await Promise.allSettled(bots.map((botId) => batcher.write(point(botId, 0))));
    expect(statementRows[0]).toBe(12);
    outcomes.forEach((outcome, i) => {
      const botId = bots[i] as string;
      if (botId === duplicated || botId === deleted) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(ConstraintViolationError);
      } else {
        expect(outcome.status).toBe('fulfilled');
      }
    });
    for (const botId of bots) expect(await storedTimes(botId)).toEqual(botId === deleted ? [] : [0]);
  });

  it('fails the whole batch at once, without splitting it, when the database itself is gone', async () => {
    const closed = await createDatabase({ pglite: {} });
    await closed.close();
    let statements = 0;
    const batcher = writeBatcher({
      write(rows: readonly EquitySnapshotInput[]) {
        statements++;
        return closed.asService((tx) => tx.equity.insertReturning(rows));
      },
      isRowError: (error) => error instanceof ConstraintViolationError,
    });
    const bots = Array.from({ length: 8 }, () => randomUUID());
    const outcomes = await Promise.allSettled(bots.map((botId) => batcher.write(point(botId, 0))));
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(statements).toBe(1);
  });

  it('stores each bot’s points in the order the bot wrote them, however the batches fall', async () => {
    const bots = await newBots(4);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: bots.length - 1 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 4 }),
        async (writers, maxBatchRows, maxFlushesInFlight) => {
          run++;
          // Each run writes fresh minutes, so the property sees only its own rows.
          const base = run * 1_000;
          const batcher = equityBatcher(db, { maxBatchRows, maxFlushesInFlight });
          const nextMinute = bots.map(() => base);
          const writes = writers.map((bot) => batcher.write(point(bots[bot] as string, nextMinute[bot]++)));
          const stored = await Promise.all(writes);
          for (const [bot, botId] of bots.entries()) {
            const ids = stored.filter((row) => row.botId === botId).map((row) => BigInt(row.id));
            const ascending = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
            expect(ids).toEqual(ascending);
            const times = (await storedTimes(botId)).filter((minute) => minute >= base && minute < base + 1_000);
            expect(times).toEqual(Array.from({ length: (nextMinute[bot] as number) - base }, (_, i) => base + i));
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

/** A statement held open until its gate is opened, so the test decides when each flush commits. */
interface HeldStatement {
  rows: readonly EquitySnapshotInput[];
  commit(): void;
  fail(error: Error): void;
}

/** The real insert, each statement held until the test commits or fails it; at most `maxFlushesInFlight` at once. */
function heldBatcher(maxFlushesInFlight: number, maxBatchRows?: number) {
  const statements: HeldStatement[] = [];
  const batcher = writeBatcher({
    write(rows: readonly EquitySnapshotInput[]) {
      return new Promise<Awaited<ReturnType<typeof insertPoints>>>((resolve, reject) => {
        statements.push({ rows, commit: () => resolve(insertPoints(rows)), fail: reject });
      });
    },
    isRowError: (error) => error instanceof ConstraintViolationError,
    writerOf: (row) => row.botId,
    maxFlushesInFlight,
    ...(maxBatchRows === undefined ? {} : { maxBatchRows }),
  });
  return { batcher, statements };
}

function insertPoints(rows: readonly EquitySnapshotInput[]) {
  return db.asService((tx) => tx.equity.insertReturning(rows));
}

async function statementsStarted(statements: readonly HeldStatement[], count: number): Promise<void> {
  while (statements.length < count) await new Promise((resolve) => setImmediate(resolve));
}

function botsOf(statement: HeldStatement | undefined): string[] {
  return (statement?.rows ?? []).map((row) => row.botId);
}

describe('group commit with several flushes in flight', () => {
  it('flushes the next batch while the previous one is still committing', async () => {
    const bots = await newBots(4);
    const { batcher, statements } = heldBatcher(2);
    const first = [batcher.write(point(bots[0] as string, 0)), batcher.write(point(bots[1] as string, 0))];
    await statementsStarted(statements, 1);
    const second = [batcher.write(point(bots[2] as string, 0)), batcher.write(point(bots[3] as string, 0))];
    await statementsStarted(statements, 2);
    expect(botsOf(statements[0])).toEqual(bots.slice(0, 2));
    expect(botsOf(statements[1])).toEqual(bots.slice(2, 4));
    // The later flush commits first: its writers go on without waiting for the earlier one.
    statements[1]?.commit();
    expect((await Promise.all(second)).map((row) => row.botId)).toEqual(bots.slice(2, 4));
    statements[0]?.commit();
    expect((await Promise.all(first)).map((row) => row.botId)).toEqual(bots.slice(0, 2));
  });

  it('keeps a writer out of a second flush while its row is in the first, and stores its rows in order', async () => {
    const bots = await newBots(2);
    const [busy, free] = bots as [string, string];
    const { batcher, statements } = heldBatcher(3);
    const firstOfBusy = batcher.write(point(busy, 0));
    await statementsStarted(statements, 1);
    const secondOfBusy = batcher.write(point(busy, 1));
    const thirdOfBusy = batcher.write(point(busy, 2));
    const ofFree = batcher.write(point(free, 0));
    await statementsStarted(statements, 2);
    expect(botsOf(statements[1])).toEqual([free]);
    statements[1]?.commit();
    await ofFree;
    expect(statements).toHaveLength(2);
    statements[0]?.commit();
    await firstOfBusy;
    await statementsStarted(statements, 3);
    expect(statements[2]?.rows.map((row) => row.time)).toEqual([point(busy, 1).time, point(busy, 2).time]);
    statements[2]?.commit();
    const stored = await Promise.all([firstOfBusy, secondOfBusy, thirdOfBusy]);
    const ids = stored.map((row) => BigInt(row.id));
    expect(ids[0] as bigint).toBeLessThan(ids[1] as bigint);
    expect(ids[1] as bigint).toBeLessThan(ids[2] as bigint);
    expect(await storedTimes(busy)).toEqual([0, 1, 2]);
  });

  it('fails exactly the rows of the flush that failed; the flush beside it is stored', async () => {
    const bots = await newBots(4);
    const { batcher, statements } = heldBatcher(2);
    const failing = bots.slice(0, 2).map((botId) => batcher.write(point(botId, 0)));
    await statementsStarted(statements, 1);
    const storing = bots.slice(2).map((botId) => batcher.write(point(botId, 0)));
    await statementsStarted(statements, 2);
    const unreachable = new Error('the database is unreachable');
    statements[0]?.fail(unreachable);
    statements[1]?.commit();
    const failed = await Promise.allSettled(failing);
    expect(failed.map((outcome) => (outcome as PromiseRejectedResult).reason)).toEqual([unreachable, unreachable]);
    expect((await Promise.all(storing)).map((row) => row.botId)).toEqual(bots.slice(2));
    expect(statements).toHaveLength(2);
    for (const botId of bots) expect(await storedTimes(botId)).toEqual(bots.indexOf(botId) < 2 ? [] : [0]);
  });

  it('settles only once every flush in flight and every row still waiting is written: nothing lost on stop', async () => {
    const bots = await newBots(6);
    const { batcher, statements } = heldBatcher(2, 2);
    const writes = bots.map((botId) => batcher.write(point(botId, 0)));
    let settled = false;
    const settling = batcher.settled().then(() => {
      settled = true;
    });
    await statementsStarted(statements, 2);
    expect(statements.map((statement) => statement.rows.length)).toEqual([2, 2]);
    statements[0]?.commit();
    await statementsStarted(statements, 3);
    statements[1]?.commit();
    statements[2]?.commit();
    await settling;
    expect(settled).toBe(true);
    expect(statements).toHaveLength(3);
    await Promise.all(writes);
    for (const botId of bots) expect(await storedTimes(botId)).toEqual([0]);
  });

  it('refuses more than one flush in flight without knowing each row’s writer', () => {
    expect(() => writeBatcher({ write: async (rows: readonly number[]) => [...rows], maxFlushesInFlight: 2 })).toThrow(
      /needs writerOf/,
    );
  });

  it('stores each writer’s rows in order when concurrent flushes commit out of order', async () => {
    const bots = await newBots(3);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: bots.length - 1 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 2, max: 4 }),
        fc.infiniteStream(fc.nat({ max: 5 })),
        async (writers, maxBatchRows, maxFlushesInFlight, delays) => {
          run++;
          const base = 100_000 + run * 1_000;
          const batcher = writeBatcher({
            async write(rows: readonly EquitySnapshotInput[]) {
              // Each statement commits after a turn count of its own: later flushes overtake earlier ones.
              const turns = delays.next().value as number;
              for (let turn = 0; turn < turns; turn++) await new Promise((resolve) => setImmediate(resolve));
              return insertPoints(rows);
            },
            writerOf: (row) => row.botId,
            maxBatchRows,
            maxFlushesInFlight,
          });
          const nextMinute = bots.map(() => base);
          // Writers that do not wait for their own rows: the batcher alone keeps their order.
          const writes: Promise<unknown>[] = [];
          for (const bot of writers) {
            writes.push(batcher.write(point(bots[bot] as string, nextMinute[bot]++)));
            if (delays.next().value === 0) await new Promise((resolve) => setImmediate(resolve));
          }
          await batcher.settled();
          await Promise.all(writes);
          for (const [bot, botId] of bots.entries()) {
            const rows = await db.asService((tx) => tx.equity.list({ botId, limit: 10_000 }));
            const mine = rows.filter((row) => row.time.getTime() >= START_MS + base * MINUTE_MS);
            const idsByTime = mine.map((row) => BigInt(row.id));
            expect(idsByTime).toEqual([...idsByTime].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
            expect(mine).toHaveLength((nextMinute[bot] as number) - base);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
