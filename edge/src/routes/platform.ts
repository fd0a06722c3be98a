/**
 * The platform kill switch: every signed-in user may see it; only administrators (profiles.is_admin, with the
 * admin scope for API tokens) may throw it. The write is the service's path (users cannot write platform_settings)
 * made in the admin's name, so the database's audit trail records who did it, from where.
 */
import { PlatformKillSwitch, PlatformKillSwitchState } from '@keel/contract';
import type { PlatformSettings } from '@keel/db';
import type { z } from 'zod';
import { adminRoute } from '../auth/administrators-only.ts';
import type { EdgeApp } from '../http/context.ts';
import { requestContext } from '../http/context.ts';
import { jsonAnswer } from '../http/response-headers.ts';
import { json, jsonBody, problems, type RouteKit, toIso, USER_PROBLEMS, userRoute } from '../http/route-kit.ts';

function stateView(row: PlatformSettings): z.infer<typeof PlatformKillSwitchState> {
  return { engaged: row.killSwitch, reason: row.killSwitchReason, updatedAt: toIso(row.updatedAt) };
}

export function registerPlatformRoutes(app: EdgeApp, kit: RouteKit): void {
  const tags = ['platform'];

  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/platform/kill-switch',
      tags,
      summary: 'Whether trading is halted platform-wide',
      responses: { 200: json(PlatformKillSwitchState, 'The platform kill switch'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => jsonAnswer(c, stateView(await kit.asUser(c, (tx) => tx.platform.get())), 200),
  );

  app.openapi(
    adminRoute(kit, 'use the platform kill switch', {
      method: 'put',
      path: '/v1/admin/kill-switch',
      tags,
      summary: 'Halt or resume trading for every user (administrators only)',
      request: jsonBody(PlatformKillSwitch),
      responses: { 200: json(PlatformKillSwitchState, 'The platform kill switch'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const { engaged, reason } = c.req.valid('json');
      const principal = c.get('principal');
      const row = await kit.deps.database.asService(
        async (tx) => {
          await tx.platform.setKillSwitch(engaged, reason);
          return tx.platform.get();
        },
        { ...requestContext(c), actorId: principal.userId },
      );
      c.get('logger').warn({ engaged, reason, adminId: principal.userId }, 'platform kill switch');
      return jsonAnswer(c, stateView(row), 200);
    },
  );
}
