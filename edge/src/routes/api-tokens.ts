/**
 * /v1/api-tokens: personal tokens for the REST API. The token is shown once, in the answer to its creation; the
 * database keeps only its SHA-256. Scopes: read (GET), trade (bots, orders, backtests), admin (account settings,
 * tokens, keys, the platform kill switch for administrators).
 */
import { ApiToken, ApiTokenCreate, ApiTokenCreated, PageQuery, page } from '@keel/contract';
import type { ApiToken as ApiTokenRow } from '@keel/db';
import type { z } from 'zod';
import { type Scope, scopeFromDatabase, scopeToDatabase } from '../auth/principal.ts';
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

function tokenView(row: ApiTokenRow): z.infer<typeof ApiToken> {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes.map(scopeFromDatabase).filter((scope): scope is Scope => scope !== null),
    prefix: `keel_${row.tokenPrefix}`,
    expiresAt: toIsoOrNull(row.expiresAt),
    lastUsedAt: toIsoOrNull(row.lastUsedAt),
    revokedAt: toIsoOrNull(row.revokedAt),
    createdAt: toIso(row.createdAt),
  };
}

export function registerApiTokenRoutes(app: EdgeApp, kit: RouteKit): void {
  const tags = ['account'];

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/api-tokens',
      tags,
      summary: 'Your API tokens (never the tokens themselves)',
      request: { query: PageQuery },
      responses: { 200: json(page(ApiToken), 'A page of tokens'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const rows = await kit.asUser(c, (tx) => tx.apiTokens.list());
      return jsonAnswer(c, pageOf(rows.map(tokenView), limit, cursor), 200);
    },
  );

  app.openapi(
    userRoute(kit, 'admin', {
      method: 'post',
      path: '/v1/api-tokens',
      tags,
      summary: 'Create an API token: the answer is the only time it is shown',
      request: jsonBody(ApiTokenCreate),
      responses: { 201: json(ApiTokenCreated, 'The token, once'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const created = await kit.asUser(c, (tx) =>
        tx.apiTokens.create({
          name: input.name,
          scopes: [...new Set(input.scopes.map(scopeToDatabase))],
          ...(input.expiresAt ? { expiresAt: new Date(input.expiresAt) } : {}),
        }),
      );
      return jsonAnswer(c, { ...tokenView(created.apiToken), token: created.token }, 201);
    },
  );

  app.openapi(
    userRoute(kit, 'admin', {
      method: 'delete',
      path: '/v1/api-tokens/{id}',
      tags,
      summary: 'Revoke an API token (at once, everywhere)',
      request: { params: IdParam },
      responses: { 204: { description: 'Revoked' }, ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) => {
      await kit.asUser(c, (tx) => tx.apiTokens.revoke(c.req.valid('param').id));
      return c.body(null, 204);
    },
  );
}
