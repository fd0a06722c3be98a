/** notification_channels: where a user's alerts go (a Telegram chat, an email address); verified by the service. */
import { z } from 'zod';
import { timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { changeOne, parseInput, selectRows } from './statements.ts';

export const NOTIFICATION_KINDS = ['telegram', 'email'] as const;
/** What a channel may subscribe to (the notification_channels_events_known constraint holds the same list). */
export const NOTIFICATION_EVENTS = ['fill', 'breaker', 'anomaly', 'error', 'bot_paused', 'daily_summary'] as const;
export type NotificationEventName = (typeof NOTIFICATION_EVENTS)[number];

export const notificationChannelRow = z.object({
  id: z.string(),
  userId: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  target: z.string(),
  enabled: z.boolean(),
  events: z.array(z.string()),
  verifiedAt: timestampColumn.nullable(),
  createdAt: timestampColumn,
  updatedAt: timestampColumn,
});
export type NotificationChannel = z.output<typeof notificationChannelRow>;

const newChannel = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('telegram'),
    target: z.string().regex(/^-?[0-9]{1,20}$/, 'a Telegram chat id'),
    events: z.array(z.enum(NOTIFICATION_EVENTS)).default([]),
  }),
  z.strictObject({
    kind: z.literal('email'),
    target: z.email().max(320),
    events: z.array(z.enum(NOTIFICATION_EVENTS)).default([]),
  }),
]);
export type NewNotificationChannel = z.input<typeof newChannel>;

const COLUMNS = `id, user_id as "userId", kind, target, enabled, events, verified_at as "verifiedAt",
  created_at as "createdAt", updated_at as "updatedAt"`;

function notFound(id: string) {
  return { entity: 'notification channel', key: id };
}

export function userNotificationChannels(executor: Executor, userId: string) {
  return {
    list: (): Promise<NotificationChannel[]> =>
      selectRows(
        executor,
        notificationChannelRow,
        `select ${COLUMNS} from public.notification_channels order by created_at, id`,
      ),
    async add(input: NewNotificationChannel): Promise<NotificationChannel> {
      const valid = parseInput(newChannel, input, 'notification channel');
      const [row] = await executor.query(
        `insert into public.notification_channels (user_id, kind, target, events) values ($1, $2, $3, $4::text[])
         returning ${COLUMNS}`,
        [userId, valid.kind, valid.target, valid.events],
      );
      return notificationChannelRow.parse(row);
    },
    async setEnabled(id: string, enabled: boolean): Promise<void> {
      await changeOne(
        executor,
        'update public.notification_channels set enabled = $2 where id = $1 returning id',
        [id, enabled],
        notFound(id),
      );
    },
    async remove(id: string): Promise<void> {
      await changeOne(
        executor,
        'delete from public.notification_channels where id = $1 returning id',
        [id],
        notFound(id),
      );
    },
  };
}

export function serviceNotificationChannels(executor: Executor) {
  return {
    /** The enabled, verified channels of a user: where the worker sends alerts. */
    listDeliverable: (userId: string): Promise<NotificationChannel[]> =>
      selectRows(
        executor,
        notificationChannelRow,
        `select ${COLUMNS} from public.notification_channels
         where user_id = $1 and enabled and verified_at is not null order by created_at, id`,
        [userId],
      ),
    async markVerified(id: string): Promise<void> {
      await changeOne(
        executor,
        'update public.notification_channels set verified_at = coalesce(verified_at, now()) where id = $1 returning id',
        [id],
        notFound(id),
      );
    },
  };
}
