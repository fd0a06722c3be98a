/**
 * The group commit of equity points on a real database (PGlite in process): many bots' rows in one statement, the
 * next flush taking what arrived meanwhile, bounded batches, a refused row failing only its bot, and each bot's
 * points stored in the order it wrote them.
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
        async (writers, maxBatchRows) => {
          run++;
          // Each run writes fresh minutes, so the property sees only its own rows.
          const base = run * 1_000;
          const batcher = equityBatcher(db, { maxBatchRows });
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
