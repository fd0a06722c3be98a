/** models: trained models a user's bots may use, registered by the training service, listed and deleted by users. */
import { z } from 'zod';
import { jsonObjectColumn, timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { changeOne, json, parseInput, selectRows } from './statements.ts';

export const MODEL_STATUSES = ['training', 'ready', 'failed', 'retired'] as const;

export const modelRow = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  version: z.number().int(),
  kind: z.string(),
  status: z.enum(MODEL_STATUSES),
  params: jsonObjectColumn,
  metrics: jsonObjectColumn.nullable(),
  artifactUri: z.string().nullable(),
  createdAt: timestampColumn,
  updatedAt: timestampColumn,
});
export type Model = z.output<typeof modelRow>;

const newModel = z.strictObject({
  userId: z.uuid(),
  name: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  version: z.number().int().positive(),
  kind: z.string().regex(/^[a-z_]{1,40}$/),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type NewModel = z.input<typeof newModel>;

const COLUMNS = `id, user_id as "userId", name, version, kind, status, params, metrics, artifact_uri as "artifactUri",
  created_at as "createdAt", updated_at as "updatedAt"`;

export function userModels(executor: Executor) {
  return {
    list: (): Promise<Model[]> =>
      selectRows(executor, modelRow, `select ${COLUMNS} from public.models order by name, version desc`),
    async remove(id: string): Promise<void> {
      await changeOne(executor, 'delete from public.models where id = $1 returning id', [id], {
        entity: 'model',
        key: id,
      });
    },
  };
}

export function serviceModels(executor: Executor) {
  return {
    async register(input: NewModel): Promise<Model> {
      const valid = parseInput(newModel, input, 'model');
      const [row] = await executor.query(
        `insert into public.models (user_id, name, version, kind, params) values ($1, $2, $3, $4, $5::text::jsonb)
         returning ${COLUMNS}`,
        [valid.userId, valid.name, valid.version, valid.kind, json(valid.params)],
      );
      return modelRow.parse(row);
    },
    async markReady(id: string, artifactUri: string, metrics: Record<string, unknown>): Promise<void> {
      await changeOne(
        executor,
        `update public.models set status = 'ready', artifact_uri = $2, metrics = $3::text::jsonb where id = $1 returning id`,
        [id, artifactUri, json(metrics)],
        { entity: 'model', key: id },
      );
    },
  };
}
