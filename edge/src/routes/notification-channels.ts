/**
 * /v1/notification-channels: where alerts go (email, Telegram); verified by the notification service.
 * /v1/notifications/telegram/link-code: a one-time code the user sends to the Keel bot (`/start CODE`) so the
 * worker links that chat to them (stored hashed, ten minutes, single use: @keel/db telegramLinks).
 */
import {
  NotificationChannel,
  NotificationChannelCreate,
  NotificationChannelUpdate,
  PageQuery,
  page,
  TelegramLinkCode,
} from '@keel/contract';
import type { NotificationChannel as ChannelRow } from '@keel/db';
import type { z } from 'zod';
import type { EdgeApp } from '../http/context.ts';
import { pageOf } from '../http/pagination.ts';
import { notFound } from '../http/problem.ts';
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

function channelView(row: ChannelRow): z.infer<typeof NotificationChannel> {
  return {
    id: row.id,
    kind: row.kind,
    target: row.target,
    enabled: row.enabled,
    verified: row.verifiedAt !== null,
    events: row.events,
    createdAt: toIso(row.createdAt),
  };
}

export function registerNotificationChannelRoutes(app: EdgeApp, kit: RouteKit): void {
  const tags = ['account'];
  const path = '/v1/notification-channels';

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path,
      tags,
      summary: 'Your notification channels',
      request: { query: PageQuery },
      responses: { 200: json(page(NotificationChannel), 'A page of channels'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const rows = await kit.asUser(c, (tx) => tx.notificationChannels.list());
      return jsonAnswer(c, pageOf(rows.map(channelView), limit, cursor), 200);
    },
  );

  app.openapi(
    userRoute(kit, 'admin', {
      method: 'post',
      path,
      tags,
      summary: 'Add a channel (unverified until the service confirms it)',
      request: jsonBody(NotificationChannelCreate),
      responses: { 201: json(NotificationChannel, 'Added'), ...problems(...USER_PROBLEMS, 409) },
    }),
    async (c) => {
      const row = await kit.asUser(c, (tx) => tx.notificationChannels.add(c.req.valid('json')));
      return jsonAnswer(c, channelView(row), 201);
    },
  );

  app.openapi(
    userRoute(kit, 'admin', {
      method: 'patch',
      path: `${path}/{id}`,
      tags,
      summary: 'Turn a channel on or off',
      request: { params: IdParam, ...jsonBody(NotificationChannelUpdate) },
      responses: { 200: json(NotificationChannel, 'The channel'), ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { enabled } = c.req.valid('json');
      const row = await kit.asUser(c, async (tx) => {
        await tx.notificationChannels.setEnabled(id, enabled);
        const found = (await tx.notificationChannels.list()).find((channel) => channel.id === id);
        if (found === undefined) throw notFound(`notification channel ${id}`);
        return found;
      });
      return jsonAnswer(c, channelView(row), 200);
    },
  );

  app.openapi(
    userRoute(kit, 'admin', {
      method: 'delete',
      path: `${path}/{id}`,
      tags,
      summary: 'Remove a channel',
      request: { params: IdParam },
      responses: { 204: { description: 'Removed' }, ...problems(...USER_PROBLEMS, 404) },
    }),
    async (c) => {
      await kit.asUser(c, (tx) => tx.notificationChannels.remove(c.req.valid('param').id));
      return c.body(null, 204);
    },
  );

  app.openapi(
    userRoute(kit, 'admin', {
      method: 'post',
      path: '/v1/notifications/telegram/link-code',
      tags,
      summary: 'A one-time code linking a Telegram chat to you: send `/start CODE` to the Keel bot within 10 minutes',
      responses: { 201: json(TelegramLinkCode, 'The code, shown once'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const issued = await kit.asUser(c, (tx) => tx.telegramLinks.issueCode());
      return jsonAnswer(
        c,
        { code: issued.code, expiresAt: toIso(issued.expiresAt), botUsername: kit.deps.config.telegramBotUsername },
        201,
      );
    },
  );
}
