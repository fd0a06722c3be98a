/**
 * /v1/credentials: exchange API keys, write-only. The browser encrypts {apiKey, secret, passphrase?} to the
 * server's transport key; the edge unwraps and seals it for storage in one step (KeyTransport.seal) and keeps
 * nothing. Reads show the label, the last 4 characters of the API key and whether a secret is stored — never the
 * secret. Adding and removing keys is audited by the database. POST …/{id}/test tries a stored key against its
 * exchange through the ExchangeCheck port (the worker's ccxt path), answering ok or a classified failure.
 */
import {
  CredentialTestResult,
  ExchangeCredential,
  ExchangeCredentialCreate,
  PageQuery,
  page,
  TransportKey,
} from '@keel/contract';
import type { CredentialSummary } from '@keel/db';
import type { z } from 'zod';
import type { EdgeApp } from '../http/context.ts';
import { pageOf } from '../http/pagination.ts';
import { jsonAnswer } from '../http/response-headers.ts';
import {
  IdParam,
  json,
  jsonBody,
  problems,
  type RouteKit,
  toIso,
  toIsoOrNull,
  USER_PROBLEMS,
  userRoute,
} from '../http/route-kit.ts';

function credentialView(row: CredentialSummary): z.infer<typeof ExchangeCredential> {
  return {
    id: row.id,
    exchange: row.exchange as z.infer<typeof ExchangeCredential>['exchange'],
    label: row.label,
    apiKeyLast4: row.apiKeyLast4,
    hasSecret: row.hasSecret,
    lastUsedAt: toIsoOrNull(row.lastUsedAt),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

export function registerCredentialRoutes(app: EdgeApp, kit: RouteKit): void {
  const tags = ['account'];
  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/credentials/transport-key',
      tags,
      summary: 'The public key to encrypt exchange keys to, in the browser',
      responses: { 200: json(TransportKey, 'P-256 public key (JWK) and its id'), ...problems(...USER_PROBLEMS) },
    }),
    (c) => {
      const { kid, jwk } = kit.deps.keyTransport.publicKey;
      return jsonAnswer(c, { kid, jwk: { ...jwk } as Record<string, unknown> }, 200);
    },
  );

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/credentials',
      tags,
      summary: 'Your exchange keys (never their secrets)',
      request: { query: PageQuery },
      responses: { 200: json(page(ExchangeCredential), 'A page of keys'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const rows = await kit.asUser(c, (tx) => tx.credentials.list());
      return jsonAnswer(c, pageOf(rows.map(credentialView), limit, cursor), 200);
    },
  );

  app.openapi(
    userRoute(kit, 'admin', {
      method: 'post',
      path: '/v1/credentials',
      tags,
      summary: 'Store an exchange key, encrypted in the browser',
      request: jsonBody(ExchangeCredentialCreate),
      responses: { 201: json(ExchangeCredential, 'Stored'), ...problems(...USER_PROBLEMS, 409) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const userId = c.get('principal').userId;
      const sealed = await kit.deps.keyTransport.seal(userId, input.envelope);
      const row = await kit.asUser(c, (tx) =>
        tx.credentials.add({ exchange: input.exchange, label: input.label, sealed }),
      );
      return jsonAnswer(c, credentialView(row), 201);
    },
  );

  app.openapi(
    userRoute(kit, 'admin', {
      method: 'post',
      path: '/v1/credentials/{id}/test',
      tags,
      summary: 'Test an exchange key against its exchange',
      description:
        "The key is decrypted in the server's memory only and the exchange asked for the account balance. " +
        'The answer is ok or a classified failure (auth, rate-limited, retryable, rejected, unavailable); it never echoes the key.',
      request: { params: IdParam },
      responses: { 200: json(CredentialTestResult, 'The outcome'), ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      // Read as the user first: someone else's credential is a 404 before any key is opened.
      const credential = await kit.asUser(c, (tx) => tx.credentials.get(id));
      const checkedAt = new Date(kit.deps.clock.now()).toISOString();
      const check = kit.deps.exchangeCheck;
      const result =
        check === undefined
          ? ({ ok: false, kind: 'unavailable', message: 'this server is not configured to reach exchanges' } as const)
          : !credential.hasSecret
            ? ({ ok: false, kind: 'auth', message: 'this credential has no key any more (revoked)' } as const)
            : await check.test(id);
      return jsonAnswer(
        c,
        { ok: result.ok, error: result.ok ? null : { kind: result.kind, message: result.message }, checkedAt },
        200,
      );
    },
  );

  app.openapi(
    userRoute(kit, 'admin', {
      method: 'delete',
      path: '/v1/credentials/{id}',
      tags,
      summary: 'Delete an exchange key',
      description: 'Bots still pointing at the key keep it (422): detach or delete them first.',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...problems(...USER_PROBLEMS, 404, 422) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await kit.asUser(c, (tx) => tx.credentials.remove(id));
      return c.body(null, 204);
    },
  );
}
