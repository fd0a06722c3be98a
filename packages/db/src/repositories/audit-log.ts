/**
 * audit_log: read by users (their own trail), written by the database's triggers (orders, fills, decisions,
 * settings, keys, kill switches, breaker trips) and by the service for events without a row of their own
 * (logins). Request id and IP come from the transaction's context (asUser/asService).
 */
import { z } from 'zod';
import { idColumn, jsonObjectColumn, timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { json, limitOf, parseInput, selectRows, whereSet } from './statements.ts';

export const auditEntryRow = z.object({
  id: idColumn,
  occurredAt: timestampColumn,
  userId: z.string().nullable(),
  actorId: z.string().nullable(),
  actorRole: z.string(),
  action: z.string(),
  entity: z.string().nullable(),
  entityId: z.string().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  payload: jsonObjectColumn,
});
export type AuditEntry = z.output<typeof auditEntryRow>;

const auditEvent = z.strictObject({
  action: z.string().regex(/^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/, 'action: dotted lower-case words, e.g. auth.login'),
  userId: z.uuid().nullable().optional(),
  entity: z.string().max(100).optional(),
  entityId: z.string().max(200).optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEvent = z.input<typeof auditEvent>;

export interface AuditListOptions {
  limit?: number;
  /** Keyset paging: entries with a smaller id. */
  beforeId?: string;
  action?: string;
}

const COLUMNS = `id, occurred_at as "occurredAt", user_id as "userId", actor_id as "actorId", actor_role as "actorRole",
  action, entity, entity_id as "entityId", request_id as "requestId", host(ip) as ip, payload`;

function listEntries(executor: Executor, options: AuditListOptions & { userId?: string }): Promise<AuditEntry[]> {
  const { where, params } = whereSet([
    ['user_id = ?::uuid', options.userId],
    ['id < ?::bigint', options.beforeId],
    ['action = ?', options.action],
  ]);
  return selectRows(
    executor,
    auditEntryRow,
    `select ${COLUMNS} from public.audit_log ${where} order by id desc limit ${limitOf(options.limit)}`,
    params,
  );
}

export function userAudit(executor: Executor) {
  return { list: (options: AuditListOptions = {}): Promise<AuditEntry[]> => listEntries(executor, options) };
}

export function serviceAudit(executor: Executor) {
  return {
    list: (options: AuditListOptions & { userId?: string } = {}): Promise<AuditEntry[]> =>
      listEntries(executor, options),
    /** An event with no row of its own: a login, a failed login, an admin action. */
    async record(event: AuditEvent): Promise<AuditEntry> {
      const valid = parseInput(auditEvent, event, 'audit event');
      const [row] = await executor.query(
        `insert into public.audit_log (user_id, actor_id, actor_role, action, entity, entity_id, payload)
         values ($1, coalesce(auth.uid(), $1), current_user, $2, $3, $4, $5::text::jsonb) returning ${COLUMNS}`,
        [valid.userId ?? null, valid.action, valid.entity ?? null, valid.entityId ?? null, json(valid.payload ?? {})],
      );
      return auditEntryRow.parse(row);
    },
  };
}
