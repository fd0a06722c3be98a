/**
 * One contract, two drivers: everything the data-access package promises holds identically on PostgreSQL (postgres.js)
 * and on the embedded PGlite — tenancy by RLS, append-only tables, write-only secrets, the audit trail, bad input
 * refused by the database, leases, per-transaction scoping of role and claims.
 */
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConstraintViolationError,
  credentialTransportContext,
  type Database,
  encryptForServer,
  generateTransportKeyPair,
  InvalidInputError,
  keyringFromKeys,
  NotFoundError,
  openExchangeSecret,
  PermissionDeniedError,
  rotateMasterKey,
  sealCredentialFromBrowser,
  sealExchangeSecret,
  type UserScope,
} from '../src/index.ts';
import { claimsFor, databaseRequired, newUser, openMigrated, testTargets } from './test-database.ts';

const keyOne = { id: 'k1', key: Buffer.alloc(32, 1) };
const keyTwo = { id: 'k2', key: Buffer.alloc(32, 2) };
const keyring = keyringFromKeys(keyOne);
const SECRET = { apiKey: 'AKIAEXAMPLEKEY1234', secret: 'super-secret-value-0001', passphrase: 'pass phrase' };

function newBot(name = `bot-${randomUUID().slice(0, 8)}`) {
  return { name, exchange: 'binance', symbols: ['BTC-USDT', 'ETH-USDT'], timeframe: '1h' as const };
}

function clientOrderId(): string {
  return `t-${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

for (const target of testTargets()) {
  describe(`@keel/db contract on ${target.name}`, () => {
    if (target.options === null) {
      if (databaseRequired) {
        it('has a database to run on', () => {
          throw new Error(`${target.name}: ${target.missing}`);
        });
      } else {
        console.warn(`@keel/db contract on ${target.name} skipped: ${target.missing}`);
        it.skip(`skipped: ${target.missing}`, () => {});
      }
      return;
    }
    const options = target.options;
    let db: Database;
    let userA: string;
    let userB: string;
    const asA = <T>(work: (tx: UserScope) => Promise<T>) => db.asUser(claimsFor(userA), work);
    const asB = <T>(work: (tx: UserScope) => Promise<T>) => db.asUser(claimsFor(userB), work);

    beforeAll(async () => {
      db = await openMigrated(options);
      userA = await newUser(db, 'a');
      userB = await newUser(db, 'b');
    });
    afterAll(async () => {
      await db?.close();
    });

    describe('migrations', () => {
      it('are applied once: a second run applies nothing and every migration is recorded', async () => {
        const again = await db.migrate();
        expect(again.applied).toEqual([]);
        const status = await db.migrationStatus();
        expect(status.length).toBeGreaterThanOrEqual(4);
        expect(status.every((migration) => migration.applied)).toBe(true);
      });
    });

    describe('tenancy', () => {
      it('gives every new account a profile that only its owner reads', async () => {
        const own = await asA((tx) => tx.profile.get());
        expect(own).toMatchObject({ id: userA, riskTolerance: 'moderate', isAdmin: false, killSwitch: false });
        const seenByB = await asB((tx) => tx.query('select id from public.profiles where id = $1', [userA]));
        expect(seenByB).toEqual([]);
      });

      it('lets a user change preferences but never make themselves admin', async () => {
        const updated = await asA((tx) =>
          tx.profile.update({ displayName: 'Ada', riskTolerance: 'aggressive', settings: { theme: 'dark' } }),
        );
        expect(updated).toMatchObject({ displayName: 'Ada', riskTolerance: 'aggressive', settings: { theme: 'dark' } });
        await expect(
          asA((tx) => tx.query('update public.profiles set is_admin = true where id = $1', [userA])),
        ).rejects.toThrow(PermissionDeniedError);
        await db.asService((tx) => tx.profiles.setAdmin(userA, true));
        expect((await asA((tx) => tx.profile.get())).isAdmin).toBe(true);
        await db.asService((tx) => tx.profiles.setAdmin(userA, false));
      });

      it('hides every bot of A from B, for every verb', async () => {
        const bot = await asA((tx) => tx.bots.create(newBot()));
        expect(bot).toMatchObject({
          userId: userA,
          mode: 'paper',
          desiredState: 'stopped',
          paperStartingCashQuote: '10000',
        });
        expect(await asB((tx) => tx.bots.list())).not.toContainEqual(expect.objectContaining({ id: bot.id }));
        await expect(asB((tx) => tx.bots.get(bot.id))).rejects.toThrow(NotFoundError);
        await expect(asB((tx) => tx.bots.update(bot.id, { name: 'stolen' }))).rejects.toThrow(NotFoundError);
        await expect(asB((tx) => tx.bots.setKillSwitch(bot.id, true))).rejects.toThrow(NotFoundError);
        await expect(asB((tx) => tx.bots.remove(bot.id))).rejects.toThrow(NotFoundError);
        const stillThere = await asA((tx) => tx.bots.get(bot.id));
        expect(stillThere).toMatchObject({ name: bot.name, killSwitch: false });
      });

      it('refuses a row written for someone else, and references to someone else’s rows', async () => {
        const botOfA = await asA((tx) => tx.bots.create(newBot()));
        await expect(
          asB((tx) =>
            tx.query(
              `insert into public.bots (user_id, name, exchange, symbols, timeframe) values ($1, 'x', 'binance', '{BTC-USDT}', '1h')`,
              [userA],
            ),
          ),
        ).rejects.toThrow(/row-level security/);
        // B's order on A's bot: the composite reference (bot_id, user_id) cannot match.
        await expect(
          asB((tx) =>
            tx.orders.place({
              botId: botOfA.id,
              clientOrderId: clientOrderId(),
              symbol: 'BTC-USDT',
              side: 'buy',
              type: 'market',
              qtyBase: '1',
              reason: 'cross-tenant',
            }),
          ),
        ).rejects.toThrow(ConstraintViolationError);
      });

      it('shows anon nothing at all', async () => {
        await expect(db.asAnon((tx) => tx.query('select count(*) from public.bots'))).rejects.toThrow(
          PermissionDeniedError,
        );
        await expect(db.asAnon((tx) => tx.query('select count(*) from public.platform_settings'))).rejects.toThrow(
          PermissionDeniedError,
        );
      });

      it('never leaks role or claims from one transaction into the next', async () => {
        await asA((tx) => tx.query('select 1'));
        const [service] = await db.asService((tx) =>
          tx.query(
            `select current_user as role, auth.uid() as uid, current_setting('keel.request_id', true) as request`,
          ),
        );
        expect(service).toMatchObject({ role: 'service_role', uid: null });
        const [asUserB] = await asB((tx) => tx.query('select current_user as role, auth.uid() as uid'));
        expect(asUserB).toMatchObject({ role: 'authenticated', uid: userB });
      });

      it('keeps 40 concurrent transactions of two users apart', async () => {
        const botA = await asA((tx) => tx.bots.create(newBot()));
        const botB = await asB((tx) => tx.bots.create(newBot()));
        const runs = Array.from({ length: 40 }, (_, i) => {
          const [user, bot] = i % 2 === 0 ? [userA, botA] : [userB, botB];
          return db.asUser(claimsFor(user), async (tx) => {
            await tx.decisions.insert({
              botId: bot.id,
              time: Date.now(),
              symbol: 'BTC-USDT',
              action: 'hold',
              confidence: 0.5,
              rationale: { regime: 'range' },
            });
            const owners = await tx.query('select distinct user_id from public.decisions');
            return owners.map((row) => row.user_id);
          });
        });
        for (const [i, owners] of (await Promise.all(runs)).entries()) {
          expect(owners).toEqual([i % 2 === 0 ? userA : userB]);
        }
      });

      it('refuses a finished transaction’s executor', async () => {
        let leaked: ((text: string) => Promise<unknown>) | undefined;
        await asA(async (tx) => {
          leaked = tx.query;
        });
        await expect(leaked?.('select 1') ?? Promise.resolve()).rejects.toThrow(/transaction is over/);
      });

      it('checks claims and request context before they reach the database', async () => {
        await expect(db.asUser({ sub: 'not-a-uuid' }, (tx) => tx.bots.list())).rejects.toThrow(InvalidInputError);
        await expect(db.asUser(claimsFor(userA), (tx) => tx.bots.list(), { ip: '999.1.1.1' })).rejects.toThrow(
          /IPv4 or IPv6/,
        );
      });
    });

    describe('exchange credentials', () => {
      it('stores sealed keys the user can never read back, and the worker can open', async () => {
        const sealed = sealExchangeSecret(keyring, { credentialId: randomUUID(), userId: userA }, SECRET);
        const summary = await asA((tx) =>
          tx.credentials.add({ exchange: 'binance', label: `main-${randomUUID()}`, sealed }),
        );
        expect(summary).toMatchObject({ apiKeyLast4: '1234', hasSecret: true });
        expect(JSON.stringify(summary)).not.toContain(SECRET.secret);
        await expect(
          asA((tx) =>
            tx.query('select secret_ciphertext from public.exchange_credentials where id = $1', [summary.id]),
          ),
        ).rejects.toThrow(PermissionDeniedError);
        await expect(asA((tx) => tx.query('select * from public.exchange_credentials'))).rejects.toThrow(
          PermissionDeniedError,
        );
        const stored = await db.asService((tx) => tx.credentials.takeSealed(summary.id));
        const opened = openExchangeSecret(keyring, { credentialId: stored.id, userId: stored.userId, sealed: stored });
        expect([opened.apiKey, opened.secret, opened.passphrase]).toEqual([
          SECRET.apiKey,
          SECRET.secret,
          SECRET.passphrase,
        ]);
        expect(JSON.stringify({ opened })).not.toContain(SECRET.secret);
        expect((await asA((tx) => tx.credentials.get(summary.id))).lastUsedAt).toBeInstanceOf(Date);
        await asA((tx) => tx.credentials.revoke(summary.id));
        expect((await asA((tx) => tx.credentials.get(summary.id))).hasSecret).toBe(false);
        await expect(db.asService((tx) => tx.credentials.takeSealed(summary.id))).rejects.toThrow(NotFoundError);
      });

      it('takes keys encrypted in the browser and seals them for storage', async () => {
        const { publicKey, privateKey } = await generateTransportKeyPair('test-transport');
        const envelope = await encryptForServer(publicKey, JSON.stringify(SECRET), credentialTransportContext(userA));
        const sealed = await sealCredentialFromBrowser({ keyring, transportKey: privateKey, userId: userA, envelope });
        const summary = await asA((tx) =>
          tx.credentials.add({ exchange: 'kraken', label: `web-${randomUUID()}`, sealed }),
        );
        const stored = await db.asService((tx) => tx.credentials.takeSealed(summary.id));
        expect(openExchangeSecret(keyring, { credentialId: stored.id, userId: userA, sealed: stored }).secret).toBe(
          SECRET.secret,
        );
        // The envelope was made for A: sealing it for B fails.
        await expect(
          sealCredentialFromBrowser({ keyring, transportKey: privateKey, userId: userB, envelope }),
        ).rejects.toThrow(/does not decrypt/);
      });

      it('re-wraps every key under a new master key without touching ciphertexts (keel keys rotate)', async () => {
        const credentialIds = [randomUUID(), randomUUID(), randomUUID()];
        const sealedOnes = credentialIds.map((credentialId) =>
          sealExchangeSecret(keyring, { credentialId, userId: userB }, SECRET),
        );
        await asB(async (tx) => {
          for (const sealed of sealedOnes) {
            await tx.credentials.add({ exchange: 'binance', label: `rotate-${randomUUID()}`, sealed });
          }
        });
        const rotated = keyringFromKeys(keyTwo, [keyOne]);
        // The database may hold other suites' credentials under keys this keyring does not know: those are
        // reported as failures by id, and never stop the rotation of the rest.
        const report = await rotateMasterKey(db, rotated, { batchSize: 2 });
        const failed = new Set(report.failures.map((failure) => failure.credentialId));
        expect(credentialIds.filter((id) => failed.has(id))).toEqual([]);
        expect(report.failures.every((failure) => !failure.reason.includes(SECRET.secret))).toBe(true);
        expect(report.rewrapped).toBeGreaterThanOrEqual(credentialIds.length);
        const newOnly = keyringFromKeys(keyTwo);
        for (const [i, credentialId] of credentialIds.entries()) {
          const stored = await db.asService((tx) => tx.credentials.takeSealed(credentialId));
          expect(stored.masterKeyId).toBe('k2');
          expect(stored.ciphertext.equals(sealedOnes[i]?.sealed.ciphertext as Buffer)).toBe(true);
          // Only the new key is needed from now on.
          expect(openExchangeSecret(newOnly, { credentialId, userId: userB, sealed: stored }).secret).toBe(
            SECRET.secret,
          );
        }
        const before = await db.asService((tx) => tx.credentials.takeSealed(credentialIds[0] as string));
        await rotateMasterKey(db, rotated);
        const after = await db.asService((tx) => tx.credentials.takeSealed(credentialIds[0] as string));
        expect(after.wrappedDataKey.equals(before.wrappedDataKey)).toBe(true);
      });

      it('never puts parameters or row dumps in errors', async () => {
        const sealed = sealExchangeSecret(keyring, { credentialId: randomUUID(), userId: userA }, SECRET);
        const error = await asA((tx) =>
          tx.query(
            `insert into public.exchange_credentials (id, user_id, exchange, label, api_key_last4, secret_ciphertext,
               wrapped_data_key, master_key_id) values ($1, $2, 'binance', 'x', 'toolong', $3, $4, 'k1')`,
            [sealed.credentialId, userA, sealed.sealed.ciphertext, sealed.sealed.wrappedDataKey],
          ),
        ).then(
          () => new Error('the insert was accepted'),
          (caught: unknown) => caught as Error,
        );
        expect(error).toBeInstanceOf(ConstraintViolationError);
        expect(error.message).toContain('exchange_credentials_api_key_last4_length');
        const everything = JSON.stringify({ ...error, message: error.message });
        expect(everything).not.toContain(sealed.sealed.ciphertext.toString('hex'));
        expect(everything).not.toMatch(/Failing row|params/);
      });
    });

    describe('orders, fills and decisions', () => {
      it('refuses bad input in the database itself, with the rule named', async () => {
        const bot = await asA((tx) => tx.bots.create(newBot()));
        const order = {
          botId: bot.id,
          clientOrderId: clientOrderId(),
          symbol: 'BTC-USDT',
          side: 'buy' as const,
          type: 'market' as const,
          qtyBase: '0.5',
          reason: 'test',
        };
        await asA((tx) => tx.orders.place(order));
        await expect(asA((tx) => tx.orders.place(order))).rejects.toThrow(/orders_client_order_id_key/);
        await expect(
          asA((tx) => tx.orders.place({ ...order, clientOrderId: clientOrderId(), qtyBase: '-1' })),
        ).rejects.toThrow(/orders_qty_base_positive/);
        await expect(
          asA((tx) =>
            tx.query(
              `insert into public.orders (bot_id, client_order_id, symbol, side, type, qty_base, reason)
               values ($1, $2, 'BTC-USDT', 'hold', 'market', 1, 'r')`,
              [bot.id, clientOrderId()],
            ),
          ),
        ).rejects.toThrow(/invalid input value for enum order_side: "hold"/);
        // The package refuses the same mistakes before a round trip, naming the field.
        await expect(
          asA((tx) => tx.orders.place({ ...order, clientOrderId: clientOrderId(), side: 'hold' as 'buy' })),
        ).rejects.toThrow(/order: side/);
      });

      it('persists, sends and settles an order; orders only move forward', async () => {
        const bot = await asA((tx) => tx.bots.create(newBot()));
        const id = clientOrderId();
        const persisted = await db.asService((tx) =>
          tx.orders.persist({
            userId: userA,
            botId: bot.id,
            clientOrderId: id,
            symbol: 'ETH-USDT',
            side: 'buy',
            type: 'limit',
            qtyBase: 2,
            limitPrice: '1999.99',
            reason: 'sma-cross',
          }),
        );
        expect(persisted).toMatchObject({ status: 'pending', qtyBase: '2', limitPrice: '1999.99', filledQtyBase: '0' });
        expect((await db.asService((tx) => tx.orders.listUnsettled(bot.id))).map((o) => o.clientOrderId)).toEqual([id]);
        const acked = await db.asService((tx) =>
          tx.orders.update(id, { status: 'open', exchangeOrderId: 'X-1', submitted: true }),
        );
        expect(acked).toMatchObject({ status: 'open', exchangeOrderId: 'X-1' });
        expect(acked.submittedAt).toBeInstanceOf(Date);
        await db.asService((tx) =>
          tx.orders.update(id, { status: 'filled', filledQtyBase: '2', filledQuote: '3999.98' }),
        );
        await expect(db.asService((tx) => tx.orders.update(id, { status: 'open' }))).rejects.toThrow(
          /status cannot go from filled to open/,
        );
        expect(await db.asService((tx) => tx.orders.listUnsettled(bot.id))).toEqual([]);
        const cancel = await asA((tx) => tx.orders.requestCancel(id));
        expect(cancel.cancelRequestedAt).toBeInstanceOf(Date);
        await expect(asB((tx) => tx.orders.get(id))).rejects.toThrow(NotFoundError);
      });

      it('appends fills in batches, refuses a fill reported twice, and never lets users change one', async () => {
        const bot = await asA((tx) => tx.bots.create(newBot()));
        const id = clientOrderId();
        await asA((tx) =>
          tx.orders.place({
            botId: bot.id,
            clientOrderId: id,
            symbol: 'BTC-USDT',
            side: 'sell',
            type: 'market',
            qtyBase: 3,
            reason: 'exit',
          }),
        );
        const fills = Array.from({ length: 100 }, (_, i) => ({
          botId: bot.id,
          clientOrderId: id,
          symbol: 'BTC-USDT',
          side: 'sell' as const,
          tradeId: `T${i}`,
          time: 1_700_000_000_000 + i,
          priceQuote: 65_000.12,
          qtyBase: '0.01',
          feeQuote: '0.0650001',
          liquidity: 'taker' as const,
        }));
        expect(await asA((tx) => tx.fills.insertMany(fills))).toBe(100);
        const listed = await asA((tx) => tx.fills.list({ clientOrderId: id, limit: 500 }));
        expect(listed).toHaveLength(100);
        expect(listed[0]).toMatchObject({
          priceQuote: '65000.12',
          qtyBase: '0.01',
          feeQuote: '0.0650001',
          userId: userA,
        });
        expect(listed[0]?.time.getTime()).toBe(1_700_000_000_099);
        await expect(asA((tx) => tx.fills.insert(fills[0] as (typeof fills)[0]))).rejects.toThrow(/fills_trade_key/);
        await expect(
          asA((tx) => tx.query('update public.fills set qty_base = 1 where client_order_id = $1', [id])),
        ).rejects.toThrow(PermissionDeniedError);
        await expect(
          asA((tx) => tx.query('delete from public.fills where client_order_id = $1', [id])),
        ).rejects.toThrow(PermissionDeniedError);
        expect(await asB((tx) => tx.fills.list({ clientOrderId: id }))).toEqual([]);
      });

      it('stores decision rationales with typed columns', async () => {
        const bot = await asA((tx) => tx.bots.create(newBot()));
        const rationale = {
          regime: 'trend',
          chosenAgent: 'momentum',
          votes: [
            { agent: 'momentum', action: 'buy' as const, confidence: 0.8 },
            { agent: 'mean-reversion', action: 'sell' as const, confidence: 0.3 },
          ],
          topFeatures: [{ name: 'rsi_14', contribution: 0.42 }],
          riskTolerance: 'moderate' as const,
          riskVerdict: { kind: 'resize' as const, reasons: ['max position 10%'] },
        };
        const count = await asA((tx) =>
          tx.decisions.insertMany(
            Array.from({ length: 5 }, (_, i) => ({
              botId: bot.id,
              time: new Date(1_700_000_000_000 + i * 60_000),
              symbol: 'BTC-USDT',
              action: 'buy' as const,
              confidence: 0.8,
              rationale,
            })),
          ),
        );
        expect(count).toBe(5);
        const [latest] = await asA((tx) => tx.decisions.list({ botId: bot.id, limit: 1 }));
        expect(latest).toMatchObject({ action: 'buy', confidence: 0.8, rationale });
      });
    });

    describe('audit trail', () => {
      it('records who did what, from where, for every order', async () => {
        const bot = await asA((tx) => tx.bots.create(newBot()));
        const id = clientOrderId();
        await db.asUser(
          claimsFor(userA),
          (tx) =>
            tx.orders.place({
              botId: bot.id,
              clientOrderId: id,
              symbol: 'BTC-USDT',
              side: 'buy',
              type: 'market',
              quoteQty: '100',
              reason: 'manual',
            }),
          { requestId: 'req-contract-1', ip: '2001:db8::7' },
        );
        const entries = await asA((tx) => tx.audit.list({ action: 'order.insert', limit: 1000 }));
        const entry = entries.find((e) => e.payload.client_order_id === id);
        expect(entry).toMatchObject({
          userId: userA,
          actorId: userA,
          actorRole: 'authenticated',
          requestId: 'req-contract-1',
          ip: '2001:db8::7',
        });
        expect(await asB((tx) => tx.audit.list({ limit: 1000 }))).not.toContainEqual(
          expect.objectContaining({ userId: userA }),
        );
      });

      it('records logins through the service, and kill switches and breaker trips wherever they come from', async () => {
        const login = await db.asService(
          (tx) => tx.audit.record({ action: 'auth.login', userId: userA, payload: { method: 'password' } }),
          {
            requestId: 'login-1',
            ip: '198.51.100.1',
          },
        );
        expect(login).toMatchObject({
          actorId: userA,
          actorRole: 'service_role',
          requestId: 'login-1',
          ip: '198.51.100.1',
        });
        const bot = await asA((tx) => tx.bots.create(newBot()));
        await asA((tx) => tx.bots.setKillSwitch(bot.id, true, 'panic'));
        await db.asService((tx) => tx.bots.tripBreaker(bot.id, 'daily loss 5%'));
        const actions = (await asA((tx) => tx.audit.list({ limit: 50 })))
          .filter((e) => e.entityId === bot.id)
          .map((e) => e.action);
        expect(actions).toEqual(expect.arrayContaining(['bot.insert', 'bot.kill_switch', 'bot.breaker_trip']));
        expect(await db.asService((tx) => tx.bots.haltReasons(bot.id))).toEqual([
          'bot kill switch',
          'circuit breaker: daily loss 5%',
        ]);
        await expect(
          asA((tx) => tx.query(`insert into public.audit_log (action) values ('auth.login')`)),
        ).rejects.toThrow(PermissionDeniedError);
      });
    });

    describe('the worker’s service paths', () => {
      it('leases each bot to one worker at a time, and lets another take it when the lease expires', async () => {
        const bot = await asA((tx) => tx.bots.create(newBot()));
        await asA((tx) => tx.bots.setDesiredState(bot.id, 'running'));
        const first = await db.asService((tx) => tx.bots.claimLeases('worker-1', { leaseMs: 200, limit: 1000 }));
        expect(first.map((b) => b.id)).toContain(bot.id);
        const second = await db.asService((tx) => tx.bots.claimLeases('worker-2', { leaseMs: 200, limit: 1000 }));
        expect(second.map((b) => b.id)).not.toContain(bot.id);
        expect(await db.asService((tx) => tx.bots.renewLease(bot.id, 'worker-2'))).toBe(false);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const later = await db.asService((tx) => tx.bots.claimLeases('worker-2', { leaseMs: 60_000, limit: 1000 }));
        expect(later.find((b) => b.id === bot.id)).toMatchObject({ leaseOwner: 'worker-2' });
        expect(await db.asService((tx) => tx.bots.renewLease(bot.id, 'worker-1'))).toBe(false);
        expect(await db.asService((tx) => tx.bots.releaseLease(bot.id, 'worker-2'))).toBe(true);
        await db.asService((tx) => tx.bots.reportState(bot.id, 'running'));
        expect((await asA((tx) => tx.bots.get(bot.id))).state).toBe('running');
        await expect(
          asA((tx) => tx.query(`update public.bots set lease_owner = 'me' where id = $1`, [bot.id])),
        ).rejects.toThrow(PermissionDeniedError);
      });

      it('keeps the platform kill switch the service’s alone', async () => {
        await expect(asA((tx) => tx.query('update public.platform_settings set kill_switch = true'))).rejects.toThrow(
          PermissionDeniedError,
        );
        expect((await asA((tx) => tx.platform.get())).killSwitch).toBe(false);
      });

      it('keeps positions, equity, backtests, models, channels, tokens and allowlists per user', async () => {
        const bot = await asA((tx) => tx.bots.create(newBot()));
        await db.asService(async (tx) => {
          await tx.positions.upsert({
            userId: userA,
            botId: bot.id,
            symbol: 'BTC-USDT',
            qtyBase: '0.5',
            avgEntryPriceQuote: 60_000,
            realizedPnlQuote: 0,
          });
          await tx.equity.insertMany([
            { userId: userA, botId: bot.id, time: 1_700_000_000_000, equityQuote: '10000', cashQuote: '10000' },
            { userId: userA, botId: bot.id, time: 1_700_000_060_000, equityQuote: '10012.5', cashQuote: '9000' },
          ]);
          await tx.models.register({
            userId: userA,
            name: `m-${randomUUID().slice(0, 8)}`,
            version: 1,
            kind: 'classifier',
          });
        });
        expect(await asA((tx) => tx.positions.list({ botId: bot.id }))).toMatchObject([
          { qtyBase: '0.5', avgEntryPriceQuote: '60000' },
        ]);
        expect((await asA((tx) => tx.equity.list({ botId: bot.id }))).map((s) => s.equityQuote)).toEqual([
          '10000',
          '10012.5',
        ]);
        expect(await asB((tx) => tx.equity.list({ botId: bot.id }))).toEqual([]);
        const backtest = await asA((tx) => tx.backtests.queue({ botId: bot.id, params: { fast: 10, slow: 30 } }));
        await asA((tx) => tx.backtests.cancel(backtest.id));
        expect((await asA((tx) => tx.backtests.get(backtest.id))).status).toBe('cancelled');
        await expect(asB((tx) => tx.backtests.cancel(backtest.id))).rejects.toThrow(NotFoundError);
        expect((await asA((tx) => tx.models.list())).length).toBeGreaterThan(0);
        expect(await asB((tx) => tx.models.list())).toEqual([]);
        const channel = await asA((tx) => tx.notificationChannels.add({ kind: 'email', target: 'ada@example.test' }));
        await expect(
          asA((tx) => tx.notificationChannels.add({ kind: 'email', target: 'not an address' })),
        ).rejects.toThrow(InvalidInputError);
        await db.asService((tx) => tx.notificationChannels.markVerified(channel.id));
        expect(await db.asService((tx) => tx.notificationChannels.listDeliverable(userA))).toContainEqual(
          expect.objectContaining({ id: channel.id }),
        );
        const { token, apiToken } = await asA((tx) => tx.apiTokens.create({ name: 'ci', scopes: ['read', 'trade'] }));
        expect(token).toMatch(/^keel_[0-9a-f]{12}_/);
        expect(await db.asService((tx) => tx.apiTokens.authenticate(token))).toMatchObject({
          id: apiToken.id,
          userId: userA,
        });
        await asA((tx) => tx.apiTokens.revoke(apiToken.id));
        expect(await db.asService((tx) => tx.apiTokens.authenticate(token))).toBeNull();
        await asA((tx) => tx.ipAllowlist.add({ cidr: '203.0.113.0/24', label: 'office' }));
        expect(await db.asService((tx) => tx.ipAllowlist.permits(userA, '203.0.113.9'))).toBe(true);
        expect(await db.asService((tx) => tx.ipAllowlist.permits(userA, '198.51.100.9'))).toBe(false);
        expect(await db.asService((tx) => tx.ipAllowlist.permits(userB, '198.51.100.9'))).toBe(true);
      });

      it('returns equity points from insertReturning exactly as they read back, in the order given', async () => {
        const bot = await asA((tx) => tx.bots.create(newBot()));
        const points = [
          // The worker's form: canonical text, ms times.
          {
            userId: userA,
            botId: bot.id,
            time: 1_700_000_120_000,
            equityQuote: '10012.5',
            cashQuote: '-0.000000000000000001',
          },
          // Any other accepted form is stored canonical: uppercase ids, trailing zeros, numbers, a Date.
          {
            userId: userA.toUpperCase(),
            botId: bot.id.toUpperCase(),
            time: new Date(1_700_000_000_000),
            equityQuote: '10000.500',
            cashQuote: 9000,
          },
          {
            userId: userA,
            botId: bot.id,
            time: 1_700_000_060_000,
            equityQuote: '99999999999999999999.123456789012345678',
            cashQuote: '0',
          },
        ];
        const returned = await db.asService((tx) => tx.equity.insertReturning(points));
        expect(returned.map((point) => point.time.getTime())).toEqual([
          1_700_000_120_000, 1_700_000_000_000, 1_700_000_060_000,
        ]);
        expect(returned[1]).toMatchObject({ userId: userA, botId: bot.id, equityQuote: '10000.5', cashQuote: '9000' });
        const stored = await asA((tx) => tx.equity.list({ botId: bot.id }));
        expect([...returned].sort((a, b) => a.time.getTime() - b.time.getTime())).toEqual(stored);
        await expect(
          db.asService((tx) =>
            tx.equity.insertReturning([{ ...points[0], time: 1_700_000_180_000, equityQuote: 'ten' }] as never),
          ),
        ).rejects.toThrow(InvalidInputError);
        await expect(
          db.asService((tx) => tx.equity.insertReturning([{ ...points[0], time: 1.5 }] as never)),
        ).rejects.toThrow(InvalidInputError);
      });

      it('deletes an account with everything it owns, and keeps its audit trail', async () => {
        const leaving = await newUser(db, 'leaving');
        const bot = await db.asUser(claimsFor(leaving), (tx) => tx.bots.create(newBot()));
        const id = clientOrderId();
        await db.asUser(claimsFor(leaving), async (tx) => {
          await tx.orders.place({
            botId: bot.id,
            clientOrderId: id,
            symbol: 'BTC-USDT',
            side: 'buy',
            type: 'market',
            qtyBase: 1,
            reason: 'r',
          });
          await tx.fills.insert({
            botId: bot.id,
            clientOrderId: id,
            symbol: 'BTC-USDT',
            side: 'buy',
            tradeId: '1',
            time: Date.now(),
            priceQuote: 1,
            qtyBase: 1,
            feeQuote: 0,
            liquidity: 'taker',
          });
        });
        await db.asService((tx) => tx.users.remove(leaving));
        const [left] = await db.asService((tx) =>
          tx.query(
            `select (select count(*) from public.bots where user_id = $1)::int as bots,
                    (select count(*) from public.fills where user_id = $1)::int as fills,
                    (select count(*) from public.audit_log where user_id = $1)::int as audit`,
            [leaving],
          ),
        );
        expect(left).toMatchObject({ bots: 0, fills: 0 });
        expect(left?.audit).toBeGreaterThan(0);
      });
    });
    describe('self-hosted auth storage', () => {
      const hashOf = (label: string) => createHash('sha256').update(`${label}-${randomUUID()}`).digest('hex');
      const HOUR_MS = 3_600_000;

      it('keeps one password credential per email and per account, readable by the service only', async () => {
        const userId = await newUser(db, 'password');
        const email = `password-${randomUUID()}@contract.test`;
        const add = (input: { userId: string; email: string }) =>
          db.asService((tx) => tx.passwordCredentials.add({ ...input, passwordHash: 'scrypt$one' }));
        expect(await add({ userId, email })).toBe(true);
        expect(await add({ userId: await newUser(db, 'same-email'), email })).toBe(false);
        expect(await add({ userId, email: `other-${randomUUID()}@contract.test` })).toBe(false);
        await expect(add({ userId, email: 'Upper@Contract.test' })).rejects.toThrow(InvalidInputError);

        expect(await db.asService((tx) => tx.passwordCredentials.byEmail(email))).toMatchObject({
          userId,
          email,
          passwordHash: 'scrypt$one',
        });
        expect(await db.asService((tx) => tx.passwordCredentials.byEmail('nobody@contract.test'))).toBeNull();
        expect(await db.asService((tx) => tx.passwordCredentials.savePassword(userId, 'scrypt$two'))).toBe(true);
        expect((await db.asService((tx) => tx.passwordCredentials.byEmail(email)))?.passwordHash).toBe('scrypt$two');
        expect(await db.asService((tx) => tx.passwordCredentials.savePassword(randomUUID(), 'scrypt$x'))).toBe(false);

        for (const table of ['auth.keel_password_credentials', 'auth.keel_refresh_tokens']) {
          await expect(db.asUser(claimsFor(userId), (tx) => tx.query(`select * from ${table}`))).rejects.toThrow(
            PermissionDeniedError,
          );
          await expect(db.asAnon((tx) => tx.query(`select * from ${table}`))).rejects.toThrow(PermissionDeniedError);
        }
      });

      it('uses a refresh token once, atomically, returning it as it was before', async () => {
        const userId = await newUser(db, 'refresh');
        const familyId = randomUUID();
        const tokenHash = hashOf('refresh');
        const expiresAt = Date.now() + HOUR_MS;
        await db.asService((tx) => tx.refreshTokens.save({ tokenHash, userId, familyId, expiresAt }));

        const racing = await Promise.all(
          [1, 2].map(() => db.asService((tx) => tx.refreshTokens.use(tokenHash, Date.now()))),
        );
        const fresh = racing.filter((record) => record?.usedAt === null);
        expect(fresh).toHaveLength(1);
        expect(fresh[0]).toMatchObject({ tokenHash, userId, familyId, revokedAt: null });
        expect(fresh[0]?.email).toMatch(/@contract\.test$/);
        expect(fresh[0]?.expiresAt.getTime()).toBe(expiresAt);
        expect(racing.find((record) => record?.usedAt !== null)?.usedAt).toBeInstanceOf(Date);
        expect(await db.asService((tx) => tx.refreshTokens.use(hashOf('unknown'), Date.now()))).toBeNull();
      });

      it('revokes a whole family, by a token of it or by its id, and deletes tokens with the account', async () => {
        const userId = await newUser(db, 'family');
        const familyId = randomUUID();
        const first = hashOf('first');
        const second = hashOf('second');
        const stranger = hashOf('stranger');
        await db.asService(async (tx) => {
          for (const tokenHash of [first, second]) {
            await tx.refreshTokens.save({ tokenHash, userId, familyId, expiresAt: Date.now() + HOUR_MS });
          }
          await tx.refreshTokens.save({
            tokenHash: stranger,
            userId,
            familyId: randomUUID(),
            expiresAt: Date.now() + HOUR_MS,
          });
        });
        const revokedAt = new Date(Date.now() - 1000);
        expect(await db.asService((tx) => tx.refreshTokens.revokeFamilyOf(first, revokedAt))).toBe(true);
        expect(await db.asService((tx) => tx.refreshTokens.revokeFamilyOf(hashOf('unknown'), revokedAt))).toBe(false);
        // Revoking again keeps the first revocation time.
        await db.asService((tx) => tx.refreshTokens.revokeFamily(familyId, Date.now()));
        const used = await db.asService((tx) => tx.refreshTokens.use(second, Date.now()));
        expect(used?.revokedAt?.getTime()).toBe(revokedAt.getTime());
        expect((await db.asService((tx) => tx.refreshTokens.use(stranger, Date.now())))?.revokedAt).toBeNull();

        const expired = hashOf('expired');
        await db.asService((tx) =>
          tx.refreshTokens.save({ tokenHash: expired, userId, familyId, expiresAt: Date.now() - HOUR_MS }),
        );
        expect(await db.asService((tx) => tx.refreshTokens.removeExpired(Date.now()))).toBeGreaterThanOrEqual(1);
        expect(await db.asService((tx) => tx.refreshTokens.use(expired, Date.now()))).toBeNull();

        await db.asService((tx) => tx.users.remove(userId));
        expect(await db.asService((tx) => tx.refreshTokens.use(first, Date.now()))).toBeNull();
      });
    });
  });
}
