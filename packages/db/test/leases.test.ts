/**
 * The worker's lease statements at scale, on PGlite and PostgreSQL (its own database there: claims take any bot):
 * claiming only bots new to a worker or only its own, renewing every held lease in one statement (only the ones
 * past half their length are written), the few held bots that need a look, state reports and releases in bulk,
 * and the same statements on a connection of the worker's own (Database.ownConnection).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/index.ts';
import { claimsFor, databaseRequired, newUser, openMigrated, suiteDatabaseUrl, testTargets } from './test-database.ts';

for (const target of testTargets()) {
  describe.skipIf(target.options === null && !databaseRequired)(`bot leases on ${target.name}`, () => {
    let db: Database;
    let botIds: string[];

    beforeAll(async () => {
      if (target.options === null) throw new Error(target.missing ?? 'no database');
      const options =
        'url' in target.options
          ? { ...target.options, url: await suiteDatabaseUrl(target.options.url, 'leases') }
          : target.options;
      db = await openMigrated(options);
      await db.asService((tx) =>
        tx.query(`update public.bots set desired_state = 'stopped', lease_owner = null,
        lease_expires_at = null, state = 'stopped'`),
      );
      const userId = await newUser(db, 'leases');
      botIds = await db.asUser(claimsFor(userId), async (tx) => {
        const ids: string[] = [];
        for (let i = 0; i < 6; i++) {
          const bot = await tx.bots.create({
            name: `b${i}`,
            exchange: 'binance',
            symbols: ['BTC-USDT'],
            timeframe: '1m',
          });
          await tx.bots.setDesiredState(bot.id, 'running');
          ids.push(bot.id);
        }
        return ids;
      });
    });
    afterAll(async () => {
      await db?.close();
    });

    const expiries = async () =>
      db.asService(async (tx) => {
        const rows = await tx.query(
          'select id, lease_owner, lease_expires_at from public.bots where id = any($1::uuid[])',
          [botIds],
        );
        return new Map(
          rows.map((row) => [String(row.id), { owner: row.lease_owner, expiresAt: row.lease_expires_at as Date }]),
        );
      });

    it('claims new bots once, takes its own back, renews only leases past half, and finds the bots to look at', async () => {
      const claimed = await db.asService((tx) =>
        tx.bots.claimLeases('w1', { leaseMs: 60_000, limit: 4, which: 'new' }),
      );
      expect(claimed).toHaveLength(4);
      const rest = await db.asService((tx) => tx.bots.claimLeases('w1', { leaseMs: 60_000, limit: 100, which: 'new' }));
      expect(rest.map((bot) => bot.id).sort()).toEqual(botIds.filter((id) => !claimed.some((b) => b.id === id)).sort());
      expect(await db.asService((tx) => tx.bots.claimLeases('w1', { limit: 100, which: 'new' }))).toEqual([]);
      expect(await db.asService((tx) => tx.bots.claimLeases('w2', { limit: 100, which: 'new' }))).toEqual([]);
      const own = await db.asService((tx) => tx.bots.claimLeases('w1', { leaseMs: 60_000, limit: 100, which: 'own' }));
      expect(own.map((bot) => bot.id).sort()).toEqual([...botIds].sort());

      // One lease near its end (renewed), one lost to w2 (not held any more), the rest fresh (left alone).
      const [nearEnd, lost] = botIds as [string, string];
      await db.asService((tx) =>
        tx.query(`update public.bots set lease_expires_at = now() + interval '5 seconds' where id = $1`, [nearEnd]),
      );
      await db.asService((tx) =>
        tx.query(
          `update public.bots set lease_owner = 'w2', lease_expires_at = now() + interval '1 minute' where id = $1`,
          [lost],
        ),
      );
      const before = await expiries();
      const held = await db.asService((tx) => tx.bots.renewLeases('w1', botIds, 60_000));
      expect(held.sort()).toEqual(botIds.filter((id) => id !== lost).sort());
      const after = await expiries();
      expect(after.get(nearEnd)?.expiresAt.getTime()).toBeGreaterThan(
        (before.get(nearEnd)?.expiresAt.getTime() ?? 0) + 30_000,
      );
      for (const id of botIds.slice(2)) expect(after.get(id)?.expiresAt).toEqual(before.get(id)?.expiresAt);
      expect(after.get(lost)?.owner).toBe('w2');

      await db.asService((tx) => tx.bots.reportStates(botIds, 'running'));
      expect(await db.asService((tx) => tx.bots.needingAttention(botIds))).toEqual([]);
      const userId = own[0]?.userId as string;
      await db.asUser(claimsFor(userId), (tx) => tx.bots.setDesiredState(botIds[3] as string, 'paused'));
      const attention = await db.asService((tx) => tx.bots.needingAttention(botIds, [botIds[4] as string]));
      expect(attention.map((bot) => bot.id).sort()).toEqual([botIds[3], botIds[4]].sort());
    });

    it('releases many leases in one statement, only the ones the worker still holds', async () => {
      await db.asService((tx) => tx.query(`update public.bots set lease_owner = null, lease_expires_at = null`));
      await db.asService((tx) => tx.bots.claimLeases('w1', { leaseMs: 60_000, limit: 100, which: 'new' }));
      const [taken] = botIds as [string];
      await db.asService((tx) => tx.query(`update public.bots set lease_owner = 'w2' where id = $1`, [taken]));
      const released = await db.asService((tx) => tx.bots.releaseLeases(botIds, 'w1'));
      expect(released.sort()).toEqual(botIds.filter((id) => id !== taken).sort());
      const after = await expiries();
      for (const id of botIds) {
        expect(after.get(id)).toEqual(
          id === taken ? { owner: 'w2', expiresAt: expect.any(Date) } : { owner: null, expiresAt: null },
        );
      }
      expect(await db.asService((tx) => tx.bots.releaseLeases([], 'w1'))).toEqual([]);

      // Released and reported in the same statement: the one held elsewhere keeps its state too.
      await db.asService((tx) => tx.bots.reportStates(botIds, 'running'));
      await db.asService((tx) => tx.bots.claimLeases('w1', { leaseMs: 60_000, limit: 100, which: 'new' }));
      const stopped = await db.asService((tx) =>
        tx.bots.releaseLeases(botIds, 'w1', { state: 'stopped', reason: 'worker shut down' }),
      );
      expect(stopped.sort()).toEqual(botIds.filter((id) => id !== taken).sort());
      const states = await db.asService((tx) =>
        tx.query('select id, state, state_reason, lease_owner from public.bots where id = any($1::uuid[])', [botIds]),
      );
      for (const row of states) {
        expect(row).toEqual(
          row.id === taken
            ? { id: taken, state: 'running', state_reason: null, lease_owner: 'w2' }
            : { id: row.id, state: 'stopped', state_reason: 'worker shut down', lease_owner: null },
        );
      }
    });

    it('runs lease statements on a connection of its own, whose close leaves the database open', async () => {
      const own = db.ownConnection();
      expect(own.driver).toBe(db.driver);
      const held = await own.asService((tx) =>
        tx.bots.claimLeases('w3', { leaseMs: 60_000, limit: 100, which: 'new' }),
      );
      expect(held.map((bot) => bot.id).sort()).toEqual(botIds.filter((id) => id !== botIds[0]).sort());
      await own.close();
      expect(await db.asService((tx) => tx.bots.renewLeases('w3', botIds, 60_000))).toHaveLength(held.length);
    });
  });
}
