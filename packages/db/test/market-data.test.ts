/**
 * The warm candle tier and the admin overview, on both drivers: candles are readable by every signed-in user and
 * written by the service only; the upsert is idempotent; a range read gives the oldest-first window asked for;
 * retention deletes only what is past its window. Symbols are unique per run: the table is shared by every suite.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CandleInput, type Database, InvalidInputError, PermissionDeniedError } from '../src/index.ts';
import { claimsFor, databaseRequired, newUser, openMigrated, testTargets } from './test-database.ts';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

function uniqueSymbol(): string {
  return `T${randomUUID().replaceAll('-', '').slice(0, 10).toUpperCase()}-USDT`;
}

function hourly(symbol: string, firstOpenMs: number, count: number, price = 100): CandleInput[] {
  return Array.from({ length: count }, (_, i) => ({
    symbol,
    timeframe: '1h' as const,
    time: firstOpenMs + i * HOUR_MS,
    open: price + i,
    high: price + i + 2,
    low: price + i - 1,
    close: price + i + 1,
    volume: '0.5',
  }));
}

for (const target of testTargets()) {
  describe(`market data on ${target.name}`, () => {
    if (target.options === null) {
      if (databaseRequired) {
        it('has a database to run on', () => {
          throw new Error(`${target.name}: ${target.missing}`);
        });
      } else {
        console.warn(`market data on ${target.name} skipped: ${target.missing}`);
        it.skip(`skipped: ${target.missing}`, () => {});
      }
      return;
    }
    const options = target.options;
    let db: Database;
    let user: string;
    const now = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;

    beforeAll(async () => {
      db = await openMigrated(options);
      user = await newUser(db, 'market');
    });
    afterAll(() => db.close());

    it('stores candles once per market and open time, however often a batch is written', async () => {
      const symbol = uniqueSymbol();
      const batch = hourly(symbol, now - 10 * HOUR_MS, 10);
      await db.asService((tx) => tx.candles.upsertMany(batch));
      await db.asService((tx) => tx.candles.upsertMany([...batch, ...batch]));
      const corrected = { ...(batch[9] as CandleInput), close: 200, high: 210 };
      await db.asService((tx) => tx.candles.upsertMany([corrected]));
      const stored = await db.asUser(claimsFor(user), (tx) => tx.candles.range({ symbol, timeframe: '1h' }));
      expect(stored).toHaveLength(10);
      expect(stored[0]).toEqual({
        openTime: now - 10 * HOUR_MS,
        open: 100,
        high: 102,
        low: 99,
        close: 101,
        volume: 0.5,
      });
      expect(stored[9]?.close).toBe(200);
    });

    it('keeps money exact in storage: decimal text goes in and comes back unchanged', async () => {
      const symbol = uniqueSymbol();
      await db.asService((tx) =>
        tx.candles.upsertMany([
          {
            symbol,
            timeframe: '1m',
            time: now,
            open: '0.1',
            high: '0.3',
            low: '0.1',
            close: '0.2',
            volume: '12.000000000000000001',
          },
        ]),
      );
      const [row] = await db.asService((tx) =>
        tx.query('select close::text as close, volume::text as volume from public.candles where symbol = $1', [symbol]),
      );
      expect(row).toEqual({ close: '0.200000000000000000', volume: '12.000000000000000001' });
    });

    it('reads the newest `limit` candles by default and the oldest from `from`, oldest first either way', async () => {
      const symbol = uniqueSymbol();
      await db.asService((tx) => tx.candles.upsertMany(hourly(symbol, now - 48 * HOUR_MS, 48)));
      const times = (rows: { openTime: number }[]) => rows.map((row) => (row.openTime - now) / HOUR_MS);
      await db.asUser(claimsFor(user), async (tx) => {
        expect(times(await tx.candles.range({ symbol, timeframe: '1h', limit: 3 }))).toEqual([-3, -2, -1]);
        expect(
          times(await tx.candles.range({ symbol, timeframe: '1h', from: new Date(now - 48 * HOUR_MS), limit: 2 })),
        ).toEqual([-48, -47]);
        expect(
          times(await tx.candles.range({ symbol, timeframe: '1h', to: new Date(now - 10 * HOUR_MS), limit: 2 })),
        ).toEqual([-12, -11]);
        expect(await tx.candles.range({ symbol, timeframe: '4h' })).toEqual([]);
      });
    });

    it('any window [from, to) holds exactly the stored candles inside it, in order (property)', async () => {
      const symbol = uniqueSymbol();
      const count = 40;
      await db.asService((tx) => tx.candles.upsertMany(hourly(symbol, now - count * HOUR_MS, count)));
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: count }), fc.integer({ min: 0, max: count }), async (a, b) => {
          const [fromHour, toHour] = a <= b ? [a, b] : [b, a];
          const rows = await db.asUser(claimsFor(user), (tx) =>
            tx.candles.range({
              symbol,
              timeframe: '1h',
              from: new Date(now - (count - fromHour) * HOUR_MS),
              to: new Date(now - (count - toHour) * HOUR_MS),
            }),
          );
          expect(rows.map((row) => row.openTime)).toEqual(
            Array.from({ length: toHour - fromHour }, (_, i) => now - (count - fromHour - i) * HOUR_MS),
          );
        }),
        { numRuns: 25 },
      );
    });

    it('refuses writes by users, and bad candles with the field named', async () => {
      const symbol = uniqueSymbol();
      await expect(
        db.asUser(claimsFor(user), (tx) =>
          tx.query(
            `insert into public.candles (symbol, timeframe, open_time, open, high, low, close, volume)
             values ($1, '1h', now(), 1, 1, 1, 1, 1)`,
            [symbol],
          ),
        ),
      ).rejects.toBeInstanceOf(PermissionDeniedError);
      const bad = { ...(hourly(symbol, now, 1)[0] as CandleInput), timeframe: '7h' } as unknown as CandleInput;
      await expect(db.asService((tx) => tx.candles.upsertMany([bad]))).rejects.toThrow(/candle 0: timeframe/);
      await expect(db.asService((tx) => tx.candles.prune(60_000))).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('retention deletes candles past the 30-day window and keeps the rest', async () => {
      const symbol = uniqueSymbol();
      await db.asService((tx) =>
        tx.candles.upsertMany([
          ...hourly(symbol, now - 31 * DAY_MS, 2),
          ...hourly(symbol, now - 29 * DAY_MS, 2),
          ...hourly(symbol, now - 2 * HOUR_MS, 2),
        ]),
      );
      const deleted = await db.asService((tx) => tx.candles.prune());
      expect(deleted).toBeGreaterThanOrEqual(2);
      const left = await db.asService((tx) =>
        tx.candles.range({ symbol, timeframe: '1h', from: new Date(now - 60 * DAY_MS) }),
      );
      expect(left.map((row) => Math.round((now - row.openTime) / DAY_MS))).toEqual([29, 29, 0, 0]);
    });

    it('gives administrators the platform overview: users, bots by state, workers from their leases', async () => {
      const owner = `worker-${randomUUID().slice(0, 8)}`;
      const botId = await db.asUser(claimsFor(user), async (tx) => {
        const bot = await tx.bots.create({
          name: `b-${randomUUID().slice(0, 8)}`,
          exchange: 'binance',
          symbols: ['BTC-USDT'],
          timeframe: '1h',
        });
        return bot.id;
      });
      // This bot's lease only: claiming leases would take other suites' bots on a shared database.
      await db.asService((tx) =>
        tx.query(
          `update public.bots set lease_owner = $1, lease_expires_at = now() + interval '60 seconds' where id = $2`,
          [owner, botId],
        ),
      );
      const overview = await db.asService((tx) => tx.platformOverview.get({ leaseMs: 60_000 }));
      expect(overview.users).toBeGreaterThanOrEqual(1);
      expect(overview.botsByStatus.stopped).toBeGreaterThanOrEqual(1);
      const worker = overview.workers.find((w) => w.workerId === owner);
      expect(worker?.up).toBe(true);
      expect(worker?.botsLeased).toBeGreaterThanOrEqual(1);
      expect(Math.abs((worker?.lastHeartbeatAt.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
      await db.asService((tx) => tx.bots.releaseLease(botId, owner));
    });
  });
}
