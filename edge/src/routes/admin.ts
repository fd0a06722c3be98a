/**
 * GET /v1/admin/overview: the platform at a glance for the dashboard's admin page — accounts, every user's bots by
 * status, the trading workers (from the bot leases they hold and renew) and the platform kill switch. It reads
 * across tenants, so it runs on the service path, and only after administratorsOnly has let the caller through.
 */
import { AdminOverview } from '@keel/contract';
import type { PlatformOverview, PlatformSettings } from '@keel/db';
import type { z } from 'zod';
import { adminRoute } from '../auth/administrators-only.ts';
import { type EdgeApp, requestContext } from '../http/context.ts';
import { jsonAnswer } from '../http/response-headers.ts';
import { component, json, problems, type RouteKit, toIso, USER_PROBLEMS } from '../http/route-kit.ts';

function overviewView(overview: PlatformOverview, platform: PlatformSettings): z.infer<typeof AdminOverview> {
  return {
    users: overview.users,
    botsByStatus: overview.botsByStatus,
    workers: overview.workers.map((worker) => ({
      id: worker.workerId,
      state: worker.up ? 'up' : 'stale',
      lastHeartbeatAt: toIso(worker.lastHeartbeatAt),
      botsAssigned: worker.botsLeased,
    })),
    killSwitch: {
      engaged: platform.killSwitch,
      reason: platform.killSwitchReason,
      updatedAt: toIso(platform.updatedAt),
    },
  };
}

export function registerAdminRoutes(app: EdgeApp, kit: RouteKit): void {
  app.openapi(
    adminRoute(kit, 'see the platform overview', {
      method: 'get',
      path: '/v1/admin/overview',
      tags: ['platform'],
      summary: 'Workers, bots by status, accounts and the kill switch (administrators only)',
      responses: {
        200: json(component(AdminOverview, 'AdminOverview'), 'The platform now'),
        ...problems(...USER_PROBLEMS),
      },
    }),
    async (c) => {
      const [overview, platform] = await kit.deps.database.asService(
        async (tx) => [await tx.platformOverview.get(), await tx.platform.get()] as const,
        { ...requestContext(c), actorId: c.get('principal').userId },
      );
      return jsonAnswer(c, overviewView(overview, platform), 200);
    },
  );
}
