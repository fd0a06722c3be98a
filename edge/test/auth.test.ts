/**
 * Authentication end to end: self-hosted sessions (rotation, reuse detection, logout, expiry), API tokens (shown
 * once, scopes, revocation, expiry, last use, IP allowlist), and Supabase mode against a loopback JWKS server.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseAuthStore } from '../src/auth/database-auth-store.ts';
import { toBase64Url, utf8 } from '../src/auth/encoding.ts';
import { hmacKey, signHs256 } from '../src/auth/jwt.ts';
import { closeTestDatabase, type Harness, harness, json, signUp, TEST_JWT_SECRET, testDatabase } from './harness.ts';

afterAll(closeTestDatabase);

describe('self-hosted sessions stored in the database', () => {
  /** A fresh edge process on the same database: nothing in memory survives, as after a restart. */
  async function restartedEdge(): Promise<Harness> {
    const database = await testDatabase();
    return harness({ database, authStore: databaseAuthStore(database) });
  }

  it('logs in after a restart, and refuses a second signup with 409', async () => {
    const user = await signUp(await restartedEdge(), 'restart');
    const after = await restartedEdge();
    const login = await after.request('POST', '/v1/auth/login', {
      body: { email: user.email.toUpperCase(), password: user.password },
    });
    expect(login.status).toBe(200);
    expect((await json<{ user: { id: string } }>(login)).user.id).toBe(user.userId);
    const again = await after.request('POST', '/v1/auth/signup', {
      body: { email: user.email, password: user.password },
    });
    expect(again.status).toBe(409);
    const wrong = await after.request('POST', '/v1/auth/login', {
      body: { email: user.email, password: 'wrong password!' },
    });
    expect(wrong.status).toBe(401);
  });

  it('keeps refresh tokens across a restart, and a token reused after it still revokes the family', async () => {
    const before = await restartedEdge();
    const user = await signUp(before, 'restart-refresh');
    const rotated = await json<{ refresh_token: string }>(
      await before.request('POST', '/v1/auth/refresh', { body: { refresh_token: user.refreshToken } }),
    );
    const after = await restartedEdge();
    const newest = await after.request('POST', '/v1/auth/refresh', { body: { refresh_token: rotated.refresh_token } });
    expect(newest.status).toBe(200);
    const { refresh_token: newestToken } = await json<{ refresh_token: string }>(newest);
    // The first token, used before the restart, is replayed after it: the whole family is signed out.
    expect(
      (await after.request('POST', '/v1/auth/refresh', { body: { refresh_token: user.refreshToken } })).status,
    ).toBe(401);
    expect((await after.request('POST', '/v1/auth/refresh', { body: { refresh_token: newestToken } })).status).toBe(
      401,
    );
    const audit = await after.deps.database.asUser({ sub: user.userId }, (tx) => tx.audit.list());
    expect(audit.map((entry) => entry.action)).toContain('auth.refresh_reuse');
  });

  it('changes the password with the current one, signing out every session, and keeps it across a restart', async () => {
    const before = await restartedEdge();
    const user = await signUp(before, 'password');
    const newPassword = 'a brand new long passphrase';
    const wrong = await before.request('POST', '/v1/auth/password', {
      token: user.token,
      body: { current_password: 'not the password', new_password: newPassword },
    });
    expect(wrong.status).toBe(403);
    expect(
      (
        await before.request('POST', '/v1/auth/password', {
          body: { current_password: user.password, new_password: newPassword },
        })
      ).status,
    ).toBe(401);
    const changed = await before.request('POST', '/v1/auth/password', {
      token: user.token,
      body: { current_password: user.password, new_password: newPassword },
    });
    expect(changed.status).toBe(200);
    const session = await json<{ refresh_token: string; user: { id: string } }>(changed);
    expect(session.user.id).toBe(user.userId);

    const after = await restartedEdge();
    expect(
      (await after.request('POST', '/v1/auth/refresh', { body: { refresh_token: user.refreshToken } })).status,
    ).toBe(401);
    expect(
      (await after.request('POST', '/v1/auth/refresh', { body: { refresh_token: session.refresh_token } })).status,
    ).toBe(200);
    const login = (password: string) =>
      after.request('POST', '/v1/auth/login', { body: { email: user.email, password } });
    expect((await login(user.password)).status).toBe(401);
    expect((await login(newPassword)).status).toBe(200);
    const audit = await after.deps.database.asUser({ sub: user.userId }, (tx) => tx.audit.list());
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(['auth.password_change_failed', 'auth.password_changed']),
    );
  });

  it('rotates a token once when two refreshes race, and logs out across instances', async () => {
    const [one, two] = [await restartedEdge(), await restartedEdge()];
    const user = await signUp(one, 'race');
    const statuses = await Promise.all(
      [one, two].map(
        async (edge) =>
          (await edge.request('POST', '/v1/auth/refresh', { body: { refresh_token: user.refreshToken } })).status,
      ),
    );
    expect(statuses.sort()).toEqual([200, 401]);

    const login = await json<{ refresh_token: string }>(
      await one.request('POST', '/v1/auth/login', { body: { email: user.email, password: user.password } }),
    );
    expect(
      (await two.request('POST', '/v1/auth/logout', { body: { refresh_token: login.refresh_token } })).status,
    ).toBe(204);
    expect(
      (await one.request('POST', '/v1/auth/refresh', { body: { refresh_token: login.refresh_token } })).status,
    ).toBe(401);
  });
});

describe('self-hosted sessions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  it('signs up with Supabase-shaped tokens and claims, refuses a second signup and a wrong password alike', async () => {
    const user = await signUp(h, 'claims');
    const [, payload] = user.token.split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString());
    expect(claims).toMatchObject({ sub: user.userId, role: 'authenticated', aud: 'authenticated' });
    expect(claims.exp - claims.iat).toBe(15 * 60);
    expect(
      (
        await h.request('POST', '/v1/auth/signup', {
          body: { email: user.email.toUpperCase(), password: 'another long one' },
        })
      ).status,
    ).toBe(409);
    const wrong = await h.request('POST', '/v1/auth/login', {
      body: { email: user.email, password: 'wrong password!' },
    });
    const unknown = await h.request('POST', '/v1/auth/login', {
      body: { email: `x-${user.email}`, password: 'wrong password!' },
    });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect((await json(wrong)).detail).toBe((await json(unknown)).detail);
    const audit = await h.deps.database.asUser({ sub: user.userId }, (tx) => tx.audit.list());
    expect(audit.map((entry) => entry.action)).toEqual(expect.arrayContaining(['auth.signup', 'auth.login_failed']));
  });

  it('rotates refresh tokens, and a reused one revokes the whole family', async () => {
    const user = await signUp(h, 'rotate');
    const first = await json(
      await h.request('POST', '/v1/auth/refresh', { body: { refresh_token: user.refreshToken } }),
    );
    expect(first.refresh_token).not.toBe(user.refreshToken);
    const second = await json(
      await h.request('POST', '/v1/auth/refresh', { body: { refresh_token: first.refresh_token } }),
    );
    // The stolen first token is replayed: refused, and the legitimate newest one dies with it.
    const replay = await h.request('POST', '/v1/auth/refresh', { body: { refresh_token: user.refreshToken } });
    expect(replay.status).toBe(401);
    expect(
      (await h.request('POST', '/v1/auth/refresh', { body: { refresh_token: second.refresh_token } })).status,
    ).toBe(401);
    // A new login is a new family.
    const login = await json(
      await h.request('POST', '/v1/auth/login', { body: { email: user.email, password: user.password } }),
    );
    expect((await h.request('POST', '/v1/auth/refresh', { body: { refresh_token: login.refresh_token } })).status).toBe(
      200,
    );
  });

  it('logs out: the refresh token stops working; the access token expires with the clock', async () => {
    const user = await signUp(h, 'logout');
    expect((await h.request('POST', '/v1/auth/logout', { body: { refresh_token: user.refreshToken } })).status).toBe(
      204,
    );
    expect((await h.request('POST', '/v1/auth/refresh', { body: { refresh_token: user.refreshToken } })).status).toBe(
      401,
    );
    expect((await h.request('GET', '/v1/me', { token: user.token })).status).toBe(200);
    h.clock.advance(16 * 60_000);
    const expired = await h.request('GET', '/v1/me', { token: user.token });
    expect(expired.status).toBe(401);
    expect((await json(expired)).detail).toMatch(/expired/);
    h.clock.advance(-16 * 60_000);
  });

  it('refuses tokens signed with another secret, for another audience or role, or with alg none', async () => {
    const user = await signUp(h, 'forge');
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: user.userId, role: 'authenticated', aud: 'authenticated', exp: now + 60 };
    const other = await signHs256(claims, await hmacKey('another-secret-that-is-long-enough-0123456789'));
    const wrongAud = await signHs256({ ...claims, aud: 'someone-else' }, await hmacKey(TEST_JWT_SECRET));
    const serviceRole = await signHs256({ ...claims, role: 'service_role' }, await hmacKey(TEST_JWT_SECRET));
    const none = `${toBase64Url(utf8('{"alg":"none"}'))}.${toBase64Url(utf8(JSON.stringify(claims)))}.`;
    for (const token of [other, wrongAud, serviceRole, none, 'garbage', 'a.b.c']) {
      expect((await h.request('GET', '/v1/me', { token })).status, token).toBe(401);
    }
    expect(
      (await h.request('GET', '/v1/me', { token: await signHs256(claims, await hmacKey(TEST_JWT_SECRET)) })).status,
    ).toBe(200);
  });
});

describe('API tokens', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });

  async function token(owner: { token: string }, scopes: string[], extra: object = {}) {
    const response = await h.request('POST', '/v1/api-tokens', {
      token: owner.token,
      body: { name: `t-${scopes.join('-')}`, scopes, ...extra },
    });
    expect(response.status).toBe(201);
    return json<{ id: string; token: string; prefix: string }>(response);
  }

  it('is shown once, stored hashed, and acts as its owner under its scopes', async () => {
    const user = await signUp(h, 'tokens');
    const read = await token(user, ['read']);
    expect(read.token.startsWith(read.prefix)).toBe(true);
    const listed = (await json(await h.request('GET', '/v1/api-tokens', { token: user.token }))).items as Record<
      string,
      unknown
    >[];
    expect(JSON.stringify(listed)).not.toContain(read.token);
    const me = await json(await h.request('GET', '/v1/me', { token: read.token }));
    expect(me.id).toBe(user.userId);
    expect(me.email).toBeNull();
    // read: GETs only.
    expect(
      (await h.request('POST', '/v1/bots', { token: read.token, body: { name: 'x', symbols: ['BTC-USDT'] } })).status,
    ).toBe(403);
    expect(
      (await h.request('POST', '/v1/api-tokens', { token: read.token, body: { name: 'escalate', scopes: ['admin'] } }))
        .status,
    ).toBe(403);
    // trade: bots and orders, not account settings.
    const trade = await token(user, ['read', 'trade']);
    expect(
      (await h.request('POST', '/v1/bots', { token: trade.token, body: { name: 'by-token', symbols: ['BTC-USDT'] } }))
        .status,
    ).toBe(201);
    expect(
      (await h.request('POST', '/v1/ip-allowlist', { token: trade.token, body: { cidr: '10.0.0.0/8' } })).status,
    ).toBe(403);
    // admin: settings.
    const admin = await token(user, ['admin']);
    expect(
      (await h.request('PATCH', '/v1/me', { token: admin.token, body: { displayName: 'via token' } })).status,
    ).toBe(200);
    const used = (
      (await json(await h.request('GET', '/v1/api-tokens', { token: user.token }))).items as {
        id: string;
        lastUsedAt: string | null;
      }[]
    ).find((t) => t.id === read.id);
    expect(used?.lastUsedAt).not.toBeNull();
  });

  it('stops working at once when revoked, and after its expiry', async () => {
    const user = await signUp(h, 'revoke');
    const doomed = await token(user, ['read']);
    expect((await h.request('GET', '/v1/bots', { token: doomed.token })).status).toBe(200);
    expect((await h.request('DELETE', `/v1/api-tokens/${doomed.id}`, { token: user.token })).status).toBe(204);
    expect((await h.request('GET', '/v1/bots', { token: doomed.token })).status).toBe(401);
    const shortLived = await token(user, ['read'], { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await h.request('GET', '/v1/bots', { token: shortLived.token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    expect((await h.request('GET', '/v1/bots', { token: shortLived.token })).status).toBe(401);
    expect((await h.request('GET', '/v1/bots', { token: `keel_${'0'.repeat(12)}_${'x'.repeat(43)}` })).status).toBe(
      401,
    );
  });

  it('is refused outside the owner’s IP allowlist; sessions are not limited by it', async () => {
    const user = await signUp(h, 'allow');
    const api = await token(user, ['read']);
    expect((await h.request('GET', '/v1/bots', { token: api.token, ip: '203.0.113.9' })).status).toBe(200);
    expect(
      (await h.request('POST', '/v1/ip-allowlist', { token: user.token, body: { cidr: '198.51.100.0/24' } })).status,
    ).toBe(201);
    expect((await h.request('GET', '/v1/bots', { token: api.token, ip: '198.51.100.77' })).status).toBe(200);
    expect((await h.request('GET', '/v1/bots', { token: api.token, ip: '::ffff:198.51.100.78' })).status).toBe(200);
    const outside = await h.request('GET', '/v1/bots', { token: api.token, ip: '203.0.113.9' });
    expect(outside.status).toBe(403);
    expect((await json(outside)).detail).toMatch(/203\.0\.113\.9/);
    expect((await h.request('GET', '/v1/bots', { token: user.token, ip: '203.0.113.9' })).status).toBe(200);
  });
});

describe('Supabase mode', () => {
  let jwks: Server;
  let supabaseUrl: string;
  let signingKey: CryptoKey;
  const kid = 'test-key-1';
  let h: Harness;

  async function supabaseToken(claims: Record<string, unknown>, key = signingKey, keyId = kid): Promise<string> {
    const header = toBase64Url(utf8(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: keyId })));
    const payload = toBase64Url(utf8(JSON.stringify(claims)));
    const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, utf8(`${header}.${payload}`));
    return `${header}.${payload}.${toBase64Url(new Uint8Array(signature))}`;
  }

  beforeAll(async () => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    signingKey = pair.privateKey;
    const publicJwk = { ...(await crypto.subtle.exportKey('jwk', pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
    jwks = createServer((request, response) => {
      if (request.url === '/auth/v1/.well-known/jwks.json') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
      } else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    supabaseUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    h = await harness({
      config: { auth: { mode: 'supabase', supabaseUrl, jwtSecret: 'legacy-hs256-secret-for-older-projects-0123' } },
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => jwks.close(resolve));
  });

  it('verifies Supabase-issued tokens by JWKS, and HS256 ones by SUPABASE_JWT_SECRET: one path after that', async () => {
    const userId = await h.deps.database.asService((tx) =>
      tx.users.create({ email: `supa-${randomUUID()}@edge.test` }),
    );
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: userId,
      role: 'authenticated',
      aud: 'authenticated',
      exp: now + 3600,
      email: 'supa@edge.test',
    };
    const es256 = await supabaseToken(claims);
    const me = await h.request('GET', '/v1/me', { token: es256 });
    expect(me.status).toBe(200);
    expect((await json(me)).email).toBe('supa@edge.test');
    expect(
      (await h.request('POST', '/v1/bots', { token: es256, body: { name: 'supa', symbols: ['BTC-USDT'] } })).status,
    ).toBe(201);
    const hs256 = await signHs256(claims, await hmacKey('legacy-hs256-secret-for-older-projects-0123'));
    expect((await h.request('GET', '/v1/bots', { token: hs256 })).status).toBe(200);
  });

  it('refuses a key it does not know, an expired token, and self-hosted sign-in', async () => {
    const stranger = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: randomUUID(), role: 'authenticated', aud: 'authenticated', exp: now + 3600 };
    expect((await h.request('GET', '/v1/me', { token: await supabaseToken(claims, stranger.privateKey) })).status).toBe(
      401,
    );
    expect(
      (await h.request('GET', '/v1/me', { token: await supabaseToken(claims, stranger.privateKey, 'rotated') })).status,
    ).toBe(401);
    expect(
      (await h.request('GET', '/v1/me', { token: await supabaseToken({ ...claims, exp: now - 3600 }) })).status,
    ).toBe(401);
    expect(
      (await h.request('POST', '/v1/auth/login', { body: { email: 'a@b.co', password: 'whatever123' } })).status,
    ).toBe(501);
  });
});
