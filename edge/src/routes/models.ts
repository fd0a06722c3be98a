/** /v1/models: the trained models your bots may use (registered by the training service). */
import { Model, PageQuery, page } from '@keel/contract';
import type { Model as ModelRow } from '@keel/db';
import type { z } from 'zod';
import type { EdgeApp } from '../http/context.ts';
import { pageOf } from '../http/pagination.ts';
import { jsonAnswer } from '../http/response-headers.ts';
import { IdParam, json, problems, type RouteKit, toIso, USER_PROBLEMS, userRoute } from '../http/route-kit.ts';

function modelView(row: ModelRow): z.infer<typeof Model> {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    kind: row.kind,
    status: row.status,
    metrics: row.metrics,
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

export function registerModelRoutes(app: EdgeApp, kit: RouteKit): void {
  const tags = ['models'];
  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/models',
      tags,
      summary: 'Your models, by name and newest version first',
      request: { query: PageQuery },
      responses: { 200: json(page(Model), 'A page of models'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const rows = await kit.asUser(c, (tx) => tx.models.list());
      return jsonAnswer(c, pageOf(rows.map(modelView), limit, cursor), 200);
    },
  );

  app.openapi(
    userRoute(kit, 'trade', {
      method: 'delete',
      path: '/v1/models/{id}',
      tags,
      summary: 'Delete a model',
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) => {
      await kit.asUser(c, (tx) => tx.models.remove(c.req.valid('param').id));
      return c.body(null, 204);
    },
  );
}
