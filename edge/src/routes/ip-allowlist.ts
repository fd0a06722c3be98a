/** /v1/ip-allowlist: where your API tokens may be used from. Empty: anywhere. Dashboard sessions are not limited. */
import { IpAllowlistCreate, IpAllowlistEntry, PageQuery, page } from '@keel/contract';
import type { IpAllowlistEntry as EntryRow } from '@keel/db';
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
  USER_PROBLEMS,
  userRoute,
} from '../http/route-kit.ts';

function entryView(row: EntryRow): z.infer<typeof IpAllowlistEntry> {
  return { id: row.id, cidr: row.cidr, note: row.label, createdAt: toIso(row.createdAt) };
}

export function registerIpAllowlistRoutes(app: EdgeApp, kit: RouteKit): void {
  const tags = ['account'];
  const path = '/v1/ip-allowlist';

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path,
      tags,
      summary: 'Networks your API tokens may be used from',
      request: { query: PageQuery },
      responses: { 200: json(page(IpAllowlistEntry), 'A page of entries'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const rows = await kit.asUser(c, (tx) => tx.ipAllowlist.list());
      return jsonAnswer(c, pageOf(rows.map(entryView), limit, cursor), 200);
    },
  );

  app.openapi(
    userRoute(kit, 'admin', {
      method: 'post',
      path,
      tags,
      summary: 'Allow an address or network',
      description: 'Once the list has an entry, API tokens work only from the networks on it.',
      request: jsonBody(IpAllowlistCreate),
      responses: { 201: json(IpAllowlistEntry, 'Added'), ...problems(...USER_PROBLEMS, 409) },
    }),
    async (c) => {
      const { cidr, note } = c.req.valid('json');
      const row = await kit.asUser(c, (tx) => tx.ipAllowlist.add({ cidr, ...(note ? { label: note } : {}) }));
      return jsonAnswer(c, entryView(row), 201);
    },
  );

  app.openapi(
    userRoute(kit, 'admin', {
      method: 'delete',
      path: `${path}/{id}`,
      tags,
      summary: 'Remove an entry',
      request: { params: IdParam },
      responses: { 204: { description: 'Removed' }, ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) => {
      await kit.asUser(c, (tx) => tx.ipAllowlist.remove(c.req.valid('param').id));
      return c.body(null, 204);
    },
  );
}
