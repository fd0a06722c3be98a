/**
 * Every route of the OpenAPI document, three ways: (a) its happy path, (b) attacked across tenants — user A's
 * token on user B's ids — and refused without leaking, (c) hostile input — malformed, mistyped, oversized, deeply
 * nested, prototype-polluting, duplicate-keyed, wrongly typed bodies, bad ids and queries — answered 4xx with
 * problem+json, never 5xx. The routes are enumerated from the document, so a new route without a case here fails.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/routes/docs.ts';
import { credentialBody, makeTenant, type Tenant } from './fixtures.ts';
import { closeTestDatabase, type Harness, harness, json } from './harness.ts';

interface Call {
  path: string;
  body?: unknown;
  status: number;
  check?: (body: Record<string, unknown>) => void;
}

interface World {
  h: Harness;
  a: Tenant;
  b: Tenant;
}

interface Case {
  public?: boolean;
  /** Served over WebSocket: the stream's own suite covers it; here only its refusals. */
  websocket?: boolean;
  happy(world: World): Promise<Call> | Call;
  /** A's credentials on B's things; omitted when the route names no ids (its tenancy is the happy path's check). */
  crossTenant?(world: World): Call;
}

const ids = (body: Record<string, unknown>) =>
  (body.items as { id?: string; botId?: string }[]).map((i) => i.id ?? i.botId);

/** A list answered for A holds A's things and nothing of B's. */
function ownOnly(world: World, key: 'id' | 'botId' = 'id', expectSome = true) {
  return (body: Record<string, unknown>) => {
    const items = body.items as Record<string, unknown>[];
    if (expectSome) expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(JSON.stringify(item)).not.toContain(world.b.botId);
      expect(JSON.stringify(item)).not.toContain(world.b.userId);
    }
    void key;
  };
}

const bot = (name: string) => ({ name, symbols: ['BTC-USDT'] });

const CASES: Record<string, Case> = {
  'get /v1/health': { public: true, happy: () => ({ path: '/v1/health', status: 200 }) },
  'post /v1/auth/signup': {
    public: true,
    happy: () => ({
      path: '/v1/auth/signup',
      body: { email: `new-${randomUUID()}@edge.test`, password: 'long enough password' },
      status: 200,
    }),
  },
  'post /v1/auth/login': {
    public: true,
    happy: ({ a }) => ({ path: '/v1/auth/login', body: { email: a.email, password: a.password }, status: 200 }),
  },
  'post /v1/auth/refresh': {
    public: true,
    happy: async ({ h, a }) => {
      const login = await json(
        await h.request('POST', '/v1/auth/login', { body: { email: a.email, password: a.password } }),
      );
      return { path: '/v1/auth/refresh', body: { refresh_token: login.refresh_token }, status: 200 };
    },
  },
  'post /v1/auth/logout': {
    public: true,
    happy: async ({ h, a }) => {
      const login = await json(
        await h.request('POST', '/v1/auth/login', { body: { email: a.email, password: a.password } }),
      );
      return { path: '/v1/auth/logout', body: { refresh_token: login.refresh_token }, status: 204 };
    },
  },
  'post /v1/auth/password': {
    // The same password again: A keeps signing in with it in the other cases.
    happy: ({ a }) => ({
      path: '/v1/auth/password',
      body: { current_password: a.password, new_password: a.password },
      status: 200,
    }),
  },
  'get /v1/me': {
    happy: ({ a }) => ({ path: '/v1/me', status: 200, check: (body) => expect(body.id).toBe(a.userId) }),
  },
  'patch /v1/me': {
    happy: () => ({
      path: '/v1/me',
      body: { displayName: 'Alice', riskTolerance: 'conservative', currency: 'USDC' },
      status: 200,
      check: (body) => expect(body.currency).toBe('USDC'),
    }),
  },
  'get /v1/credentials/transport-key': { happy: () => ({ path: '/v1/credentials/transport-key', status: 200 }) },
  'get /v1/credentials': { happy: (w) => ({ path: '/v1/credentials', status: 200, check: ownOnly(w) }) },
  'post /v1/credentials': {
    happy: async ({ h, a }) => ({
      path: '/v1/credentials',
      body: await credentialBody(h, a.userId),
      status: 201,
      check: (body) => expect(body.apiKeyLast4).toBe('1234'),
    }),
  },
  'delete /v1/credentials/{id}': {
    happy: async ({ h, a }) => {
      const made = await json(
        await h.request('POST', '/v1/credentials', { token: a.token, body: await credentialBody(h, a.userId) }),
      );
      return { path: `/v1/credentials/${made.id}`, status: 204 };
    },
    crossTenant: ({ b }) => ({ path: `/v1/credentials/${b.credentialId}`, status: 404 }),
  },
  'post /v1/credentials/{id}/test': {
    // This harness has no ExchangeCheck port: the route answers, classified, that it cannot reach exchanges.
    happy: ({ a }) => ({
      path: `/v1/credentials/${a.credentialId}/test`,
      status: 200,
      check: (body) => expect(body).toMatchObject({ ok: false, error: { kind: 'unavailable' } }),
    }),
    crossTenant: ({ b }) => ({ path: `/v1/credentials/${b.credentialId}/test`, status: 404 }),
  },
  'get /v1/bots': {
    happy: (w) => ({ path: '/v1/bots', status: 200, check: (body) => expect(ids(body)).toContain(w.a.botId) }),
  },
  'post /v1/bots': { happy: () => ({ path: '/v1/bots', body: bot(`bot-${randomUUID()}`), status: 201 }) },
  'get /v1/bots/{id}': {
    happy: ({ a }) => ({ path: `/v1/bots/${a.botId}`, status: 200 }),
    crossTenant: ({ b }) => ({ path: `/v1/bots/${b.botId}`, status: 404 }),
  },
  'patch /v1/bots/{id}': {
    happy: ({ a }) => ({
      path: `/v1/bots/${a.botId}`,
      body: { timeframe: '4h' },
      status: 200,
      check: (body) => expect(body.timeframe).toBe('4h'),
    }),
    crossTenant: ({ b }) => ({ path: `/v1/bots/${b.botId}`, body: { name: 'stolen' }, status: 404 }),
  },
  'delete /v1/bots/{id}': {
    happy: async ({ h, a }) => {
      const made = await json(
        await h.request('POST', '/v1/bots', { token: a.token, body: bot(`doomed-${randomUUID()}`) }),
      );
      return { path: `/v1/bots/${made.id}`, status: 204 };
    },
    crossTenant: ({ b }) => ({ path: `/v1/bots/${b.botId}`, status: 404 }),
  },
  'post /v1/bots/{id}/start': {
    happy: ({ a }) => ({
      path: `/v1/bots/${a.botId}/start`,
      status: 200,
      check: (body) => expect(body.desiredState).toBe('running'),
    }),
    crossTenant: ({ b }) => ({ path: `/v1/bots/${b.botId}/start`, status: 404 }),
  },
  'post /v1/bots/{id}/stop': {
    happy: ({ a }) => ({
      path: `/v1/bots/${a.botId}/stop`,
      status: 200,
      check: (body) => expect(body.desiredState).toBe('stopped'),
    }),
    crossTenant: ({ b }) => ({ path: `/v1/bots/${b.botId}/stop`, status: 404 }),
  },
  'post /v1/bots/{id}/kill': {
    happy: async ({ h, a }) => {
      const made = await json(
        await h.request('POST', '/v1/bots', { token: a.token, body: bot(`killed-${randomUUID()}`) }),
      );
      return {
        path: `/v1/bots/${made.id}/kill`,
        body: { reason: 'test' },
        status: 200,
        check: (body) => expect(body.status).toBe('killed'),
      };
    },
    crossTenant: ({ b }) => ({ path: `/v1/bots/${b.botId}/kill`, body: {}, status: 404 }),
  },
  'get /v1/orders': {
    happy: (w) => ({ path: `/v1/orders?botId=${w.a.botId}`, status: 200, check: ownOnly(w) }),
    crossTenant: ({ b }) => ({
      path: `/v1/orders?botId=${b.botId}`,
      status: 200,
      check: (body) => expect(body.items).toEqual([]),
    }),
  },
  'post /v1/orders': {
    happy: ({ a }) => ({
      path: '/v1/orders',
      body: { botId: a.botId, symbol: 'BTC-USDT', side: 'buy', type: 'market', quoteQty: '100' },
      status: 201,
    }),
    crossTenant: ({ b }) => ({
      path: '/v1/orders',
      body: { botId: b.botId, symbol: 'BTC-USDT', side: 'buy', type: 'market', quoteQty: '100' },
      status: 404,
    }),
  },
  'get /v1/orders/{clientOrderId}': {
    happy: ({ a }) => ({ path: `/v1/orders/${a.clientOrderId}`, status: 200 }),
    crossTenant: ({ b }) => ({ path: `/v1/orders/${b.clientOrderId}`, status: 404 }),
  },
  'post /v1/orders/{clientOrderId}/cancel': {
    happy: ({ a }) => ({ path: `/v1/orders/${a.clientOrderId}/cancel`, status: 202 }),
    crossTenant: ({ b }) => ({ path: `/v1/orders/${b.clientOrderId}/cancel`, status: 404 }),
  },
  'get /v1/fills': {
    happy: (w) => ({
      path: '/v1/fills?limit=1',
      status: 200,
      check: (body) => {
        ownOnly(w)(body);
        expect(body.nextCursor).not.toBeNull();
      },
    }),
    crossTenant: ({ b }) => ({
      path: `/v1/fills?botId=${b.botId}`,
      status: 200,
      check: (body) => expect(body.items).toEqual([]),
    }),
  },
  'get /v1/trades': {
    happy: (w) => ({ path: '/v1/trades', status: 200, check: ownOnly(w, 'botId', false) }),
    crossTenant: ({ b }) => ({
      path: `/v1/trades?botId=${b.botId}`,
      status: 200,
      check: (body) => expect(body.items).toEqual([]),
    }),
  },
  'get /v1/portfolio': {
    happy: () => ({
      path: '/v1/portfolio',
      status: 200,
      check: (body) => {
        expect(Number(body.equityQuote)).toBeGreaterThan(0);
        expect(body.openPositions).toBeGreaterThanOrEqual(1);
      },
    }),
  },
  'get /v1/positions': {
    happy: (w) => ({ path: '/v1/positions', status: 200, check: ownOnly(w, 'botId') }),
    crossTenant: ({ b }) => ({
      path: `/v1/positions?botId=${b.botId}`,
      status: 200,
      check: (body) => expect(body.items).toEqual([]),
    }),
  },
  'get /v1/equity': {
    happy: ({ a }) => ({
      path: `/v1/equity?botId=${a.botId}`,
      status: 200,
      check: (body) => expect((body.points as unknown[]).length).toBe(5),
    }),
    crossTenant: ({ b }) => ({ path: `/v1/equity?botId=${b.botId}`, status: 404 }),
  },
  'get /v1/candles': {
    // Market data is public to signed-in users: no ids, nothing of a tenant's to attack.
    happy: () => ({
      path: '/v1/candles?symbol=BTC-USDT&timeframe=1h&limit=10',
      status: 200,
      check: (body) => expect(body.candles).toBeInstanceOf(Array),
    }),
  },
  'get /v1/risk': {
    happy: ({ a }) => ({
      path: `/v1/risk?botId=${a.botId}`,
      status: 200,
      check: (body) => expect((body.items as unknown[]).length).toBe(1),
    }),
    crossTenant: ({ b }) => ({ path: `/v1/risk?botId=${b.botId}`, status: 404 }),
  },
  'get /v1/decisions': {
    happy: (w) => ({ path: '/v1/decisions', status: 200, check: ownOnly(w, 'botId') }),
    crossTenant: ({ b }) => ({
      path: `/v1/decisions?botId=${b.botId}`,
      status: 200,
      check: (body) => expect(body.items).toEqual([]),
    }),
  },
  'post /v1/backtests': {
    happy: () => ({ path: '/v1/backtests', body: { symbols: ['ETH-USDT'], strategy: 'balanced' }, status: 202 }),
  },
  'get /v1/backtests': { happy: (w) => ({ path: '/v1/backtests', status: 200, check: ownOnly(w) }) },
  'get /v1/backtests/{id}': {
    happy: ({ a }) => ({ path: `/v1/backtests/${a.backtestId}`, status: 200 }),
    crossTenant: ({ b }) => ({ path: `/v1/backtests/${b.backtestId}`, status: 404 }),
  },
  'post /v1/backtests/{id}/cancel': {
    happy: async ({ h, a }) => {
      const made = await json(
        await h.request('POST', '/v1/backtests', { token: a.token, body: { symbols: ['BTC-USDT'], strategy: 'ppo' } }),
      );
      return {
        path: `/v1/backtests/${made.id}/cancel`,
        status: 200,
        check: (body) => expect(body.status).toBe('cancelled'),
      };
    },
    crossTenant: ({ b }) => ({ path: `/v1/backtests/${b.backtestId}/cancel`, status: 404 }),
  },
  'get /v1/models': { happy: (w) => ({ path: '/v1/models', status: 200, check: ownOnly(w) }) },
  'delete /v1/models/{id}': {
    happy: async ({ h, a }) => {
      const model = await h.deps.database.asService((tx) =>
        tx.models.register({ userId: a.userId, name: `m-${randomUUID().slice(0, 8)}`, version: 1, kind: 'ppo' }),
      );
      return { path: `/v1/models/${model.id}`, status: 204 };
    },
    crossTenant: ({ b }) => ({ path: `/v1/models/${b.modelId}`, status: 404 }),
  },
  'get /v1/notification-channels': {
    happy: (w) => ({ path: '/v1/notification-channels', status: 200, check: ownOnly(w) }),
  },
  'post /v1/notification-channels': {
    happy: () => ({
      path: '/v1/notification-channels',
      body: { kind: 'telegram', target: '123456789', events: ['breaker'] },
      status: 201,
    }),
  },
  'patch /v1/notification-channels/{id}': {
    happy: ({ a }) => ({
      path: `/v1/notification-channels/${a.channelId}`,
      body: { enabled: false },
      status: 200,
      check: (body) => expect(body.enabled).toBe(false),
    }),
    crossTenant: ({ b }) => ({
      path: `/v1/notification-channels/${b.channelId}`,
      body: { enabled: false },
      status: 404,
    }),
  },
  'delete /v1/notification-channels/{id}': {
    happy: async ({ h, a }) => {
      const made = await json(
        await h.request('POST', '/v1/notification-channels', {
          token: a.token,
          body: { kind: 'email', target: `x-${randomUUID().slice(0, 6)}@edge.test`, events: ['fill'] },
        }),
      );
      return { path: `/v1/notification-channels/${made.id}`, status: 204 };
    },
    crossTenant: ({ b }) => ({ path: `/v1/notification-channels/${b.channelId}`, status: 404 }),
  },
  'post /v1/notifications/telegram/link-code': {
    happy: () => ({
      path: '/v1/notifications/telegram/link-code',
      status: 201,
      check: (body) => {
        expect(body.code).toMatch(/^[A-Z2-9]{10}$/);
        expect(Date.parse(String(body.expiresAt)) - Date.now()).toBeGreaterThan(9 * 60_000);
      },
    }),
  },
  'get /v1/api-tokens': { happy: (w) => ({ path: '/v1/api-tokens', status: 200, check: ownOnly(w) }) },
  'post /v1/api-tokens': {
    happy: () => ({
      path: '/v1/api-tokens',
      body: { name: 'ci', scopes: ['read', 'trade'] },
      status: 201,
      check: (body) => expect(body.token).toMatch(/^keel_/),
    }),
  },
  'delete /v1/api-tokens/{id}': {
    happy: async ({ h, a }) => {
      const made = await json(
        await h.request('POST', '/v1/api-tokens', { token: a.token, body: { name: 'temp', scopes: ['read'] } }),
      );
      return { path: `/v1/api-tokens/${made.id}`, status: 204 };
    },
    crossTenant: ({ b }) => ({ path: `/v1/api-tokens/${b.apiTokenId}`, status: 404 }),
  },
  'get /v1/ip-allowlist': { happy: (w) => ({ path: '/v1/ip-allowlist', status: 200, check: ownOnly(w) }) },
  'post /v1/ip-allowlist': {
    happy: () => ({ path: '/v1/ip-allowlist', body: { cidr: '2001:db8::/32' }, status: 201 }),
  },
  'delete /v1/ip-allowlist/{id}': {
    happy: async ({ h, a }) => {
      const made = await json(
        await h.request('POST', '/v1/ip-allowlist', { token: a.token, body: { cidr: '198.51.100.7' } }),
      );
      return { path: `/v1/ip-allowlist/${made.id}`, status: 204 };
    },
    crossTenant: ({ b }) => ({ path: `/v1/ip-allowlist/${b.allowlistId}`, status: 404 }),
  },
  'get /v1/platform/kill-switch': { happy: () => ({ path: '/v1/platform/kill-switch', status: 200 }) },
  'put /v1/admin/kill-switch': {
    happy: async ({ h, a }) => {
      await h.deps.database.asService((tx) => tx.profiles.setAdmin(a.userId, true));
      return { path: '/v1/admin/kill-switch', body: { engaged: false, reason: 'endpoint matrix' }, status: 200 };
    },
    // B is no administrator: B's token is refused.
    crossTenant: () => ({ path: '/v1/admin/kill-switch', body: { engaged: true, reason: 'hostile' }, status: 403 }),
  },
  'get /v1/admin/overview': {
    happy: async ({ h, a }) => {
      await h.deps.database.asService((tx) => tx.profiles.setAdmin(a.userId, true));
      return { path: '/v1/admin/overview', status: 200, check: (body) => expect(body.users).toBeGreaterThanOrEqual(2) };
    },
    // B is no administrator: B's token is refused.
    crossTenant: () => ({ path: '/v1/admin/overview', status: 403 }),
  },
  'get /v1/stream': { websocket: true, happy: () => ({ path: '/v1/stream', status: 426 }) },
};

const HOSTILE_BODIES: { name: string; raw?: string; body?: unknown; contentType?: string; expect?: number }[] = [
  { name: 'malformed JSON', raw: '{"name": "x",' },
  { name: 'not JSON at all', raw: 'name=x&symbols=BTC' },
  { name: 'an array', raw: '[{"name":"x"}]' },
  { name: 'a string', raw: '"x"' },
  { name: 'null', raw: 'null' },
  {
    name: 'wrong field types',
    body: {
      name: 5,
      symbols: 'BTC-USDT',
      email: [],
      password: {},
      enabled: 'yes',
      scopes: 'all',
      cidr: 7,
      engaged: 'no',
      botId: 12,
      refresh_token: 1,
    },
  },
  { name: 'unknown fields', body: { surprise: true, isAdmin: true, user_id: randomUUID() } },
  { name: '__proto__ pollution', raw: '{"__proto__": {"isAdmin": true}, "name": "x"}' },
  { name: 'constructor pollution', raw: '{"constructor": {"prototype": {"isAdmin": true}}}' },
  { name: 'duplicate keys', raw: '{"name": "a", "name": "b"}' },
  { name: 'deeply nested', raw: `${'{"a":'.repeat(200)}1${'}'.repeat(200)}` },
  { name: 'huge', raw: JSON.stringify({ name: 'x'.repeat(200_000) }), expect: 413 },
  { name: 'wrong content type', raw: '{"name":"x"}', contentType: 'text/plain', expect: 415 },
  {
    name: 'control characters and overlong strings',
    body: { name: '\u0000'.repeat(10_000), email: `${'a'.repeat(300)}@x.y` },
  },
];

function operations(spec: Record<string, unknown>): { key: string; method: string; path: string; hasBody: boolean }[] {
  const found = [];
  for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, Record<string, unknown>>>)) {
    for (const [method, operation] of Object.entries(item)) {
      found.push({ key: `${method} ${path}`, method, path, hasBody: operation.requestBody !== undefined });
    }
  }
  return found;
}

async function expectProblem(response: Response, status?: number): Promise<Record<string, unknown>> {
  const text = await response.text();
  expect(response.status, text).toBeGreaterThanOrEqual(400);
  expect(response.status, text).toBeLessThan(500);
  if (status !== undefined) expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(body.status).toBe(response.status);
  expect(body.requestId).toBe(response.headers.get('x-request-id'));
  expect(text).not.toMatch(/at .+\.ts:\d+|stack|Error:/);
  return body;
}

describe('endpoint matrix', () => {
  let world: World;
  let ops: ReturnType<typeof operations>;

  beforeAll(async () => {
    const h = await harness();
    const [a, b] = await Promise.all([makeTenant(h, 'alice'), makeTenant(h, 'bob')]);
    world = { h, a, b };
    ops = operations(openApiDocument(h.app) as unknown as Record<string, unknown>);
  });
  afterAll(closeTestDatabase);

  it('has a case for every route in the OpenAPI document, and no case without a route', () => {
    const keys = ops.map((op) => op.key).sort();
    expect(keys.length).toBeGreaterThanOrEqual(45);
    expect(keys.filter((key) => !(key in CASES))).toEqual([]);
    expect(Object.keys(CASES).filter((key) => !keys.includes(key))).toEqual([]);
  });

  it('(a) answers every route’s happy path', async () => {
    for (const op of ops) {
      const spec = CASES[op.key] as Case;
      const call = await spec.happy(world);
      const response = await world.h.request(op.method.toUpperCase(), call.path, {
        ...(spec.public ? {} : { token: world.a.token }),
        ...(call.body === undefined ? {} : { body: call.body }),
      });
      const text = await response.text();
      expect(response.status, `${op.key}: ${text}`).toBe(call.status);
      expect(response.headers.get('x-request-id'), op.key).toBeTruthy();
      if (call.check) call.check(JSON.parse(text));
    }
  });

  it('(b) refuses user A’s token on user B’s ids, on every route that takes ids, and B’s things stay as they were', async () => {
    const { h, a, b } = world;
    const before = await json(await h.request('GET', `/v1/bots/${b.botId}`, { token: b.token }));
    let attacked = 0;
    for (const op of ops) {
      const spec = CASES[op.key] as Case;
      if (!spec.crossTenant) continue;
      const call = spec.crossTenant(world);
      // The admin routes are attacked with B's token (no admin); every other with A's.
      const token = op.key.includes(' /v1/admin/') ? b.token : a.token;
      const response = await h.request(op.method.toUpperCase(), call.path, {
        token,
        ...(call.body === undefined ? {} : { body: call.body }),
      });
      const text = await response.text();
      expect(response.status, `${op.key}: ${text}`).toBe(call.status);
      if (call.status >= 400) expect(response.headers.get('content-type'), op.key).toContain('problem+json');
      else call.check?.(JSON.parse(text));
      expect(text, op.key).not.toContain(b.email);
      attacked++;
    }
    expect(attacked).toBeGreaterThanOrEqual(25);
    const after = await json(await h.request('GET', `/v1/bots/${b.botId}`, { token: b.token }));
    expect(after).toEqual(before);
    const as = { token: b.token };
    expect((await h.request('GET', `/v1/orders/${b.clientOrderId}`, as)).status).toBe(200);
    expect((await h.request('GET', `/v1/backtests/${b.backtestId}`, as)).status).toBe(200);
    const lists = ['/v1/credentials', '/v1/api-tokens', '/v1/ip-allowlist', '/v1/notification-channels', '/v1/models'];
    const mine = [b.credentialId, b.apiTokenId, b.allowlistId, b.channelId, b.modelId];
    for (const [i, path] of lists.entries()) {
      const items = (await json(await h.request('GET', path, as))).items as {
        id: string;
        revokedAt?: string | null;
        enabled?: boolean;
      }[];
      const item = items.find((entry) => entry.id === mine[i]);
      expect(item, path).toBeDefined();
      if (item?.revokedAt !== undefined) expect(item.revokedAt).toBeNull();
      if (item?.enabled !== undefined) expect(item.enabled).toBe(true);
    }
    const order = await json(await h.request('GET', `/v1/orders/${b.clientOrderId}`, as));
    expect(order.status).toBe('pending');
  });

  it('(b) refuses every user route without a token, and with a forged one', async () => {
    const forged = `${world.a.token.slice(0, -4)}AAAA`;
    for (const op of ops) {
      if (CASES[op.key]?.public) continue;
      const path = op.path.replace('{id}', randomUUID()).replace('{clientOrderId}', 'x-1');
      await expectProblem(await world.h.request(op.method.toUpperCase(), path), 401);
      await expectProblem(await world.h.request(op.method.toUpperCase(), path, { token: forged }), 401);
    }
  });

  it('(c) answers hostile bodies with 4xx problem+json on every route that takes a body', async () => {
    let checked = 0;
    for (const op of ops.filter((o) => o.hasBody)) {
      const spec = CASES[op.key] as Case;
      const { path } = await spec.happy(world);
      for (const hostile of HOSTILE_BODIES) {
        const headers = { 'content-type': hostile.contentType ?? 'application/json' };
        const response = await world.h.request(op.method.toUpperCase(), path, {
          ...(spec.public ? {} : { token: world.a.token }),
          headers,
          rawBody: hostile.raw ?? JSON.stringify(hostile.body),
        });
        const body = await expectProblem(response, hostile.expect);
        expect(body.title, `${op.key} / ${hostile.name}`).toBeTruthy();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('(c) explains which field is wrong', async () => {
    const response = await world.h.request('POST', '/v1/bots', {
      token: world.a.token,
      body: { name: 'x', symbols: ['btc/usdt'], risk: { maxPositionFraction: 0.9 } },
    });
    const body = await expectProblem(response, 400);
    const paths = (body.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['symbols.0', 'risk.maxPositionFraction']));
  });

  it('(c) answers bad ids, bad queries and bad cursors with 400, never 5xx', async () => {
    const { h, a } = world;
    const as = { token: a.token };
    for (const op of ops.filter((o) => o.path.includes('{id}'))) {
      await expectProblem(await h.request(op.method.toUpperCase(), op.path.replace('{id}', 'not-a-uuid'), as), 400);
      await expectProblem(await h.request(op.method.toUpperCase(), op.path.replace('{id}', "1' or '1'='1"), as));
    }
    await expectProblem(await h.request('GET', '/v1/orders/%00%FF', as));
    for (const query of ['limit=abc', 'limit=0', 'limit=100000', 'cursor=%7B%7D', 'cursor=garbage!', 'botId=nope']) {
      await expectProblem(
        await h
          .request('GET', `/v1/bots?${query}`, as)
          .then((r) => (r.status === 200 ? h.request('GET', `/v1/orders?${query}`, as) : r)),
        400,
      );
    }
    await expectProblem(await h.request('GET', '/v1/equity?from=yesterday', as), 400);
    await expectProblem(await h.request('GET', '/v1/no-such-route', as), 404);
  });
});
