/** /v1/me: the signed-in user's profile and preferences. */
import { Profile, ProfileUpdate } from '@keel/contract';
import type { Profile as ProfileRow } from '@keel/db';
import type { z } from 'zod';
import type { AppContext, EdgeApp } from '../http/context.ts';
import { jsonAnswer } from '../http/response-headers.ts';
import { json, jsonBody, problems, type RouteKit, toIso, USER_PROBLEMS, userRoute } from '../http/route-kit.ts';

const DEFAULT_CURRENCY = 'USDT';

function profileView(row: ProfileRow, c: AppContext): z.infer<typeof Profile> {
  const email = c.get('principal').claims.email;
  const currency = row.settings.currency;
  return {
    id: row.id,
    email: typeof email === 'string' ? email : null,
    displayName: row.displayName,
    riskTolerance: row.riskTolerance,
    isAdmin: row.isAdmin,
    currency: typeof currency === 'string' ? currency : DEFAULT_CURRENCY,
    killSwitch: row.killSwitch,
    createdAt: toIso(row.createdAt),
  };
}

export function registerProfileRoutes(app: EdgeApp, kit: RouteKit): void {
  app.openapi(
    userRoute(kit, 'read', {
      method: 'get',
      path: '/v1/me',
      tags: ['account'],
      summary: 'Your profile',
      responses: { 200: json(Profile, 'The profile'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => jsonAnswer(c, profileView(await kit.asUser(c, (tx) => tx.profile.get()), c), 200),
  );

  app.openapi(
    userRoute(kit, 'admin', {
      method: 'patch',
      path: '/v1/me',
      tags: ['account'],
      summary: 'Change your display name, risk tolerance or currency',
      request: jsonBody(ProfileUpdate),
      responses: { 200: json(Profile, 'The changed profile'), ...problems(...USER_PROBLEMS) },
    }),
    async (c) => {
      const change = c.req.valid('json');
      const row = await kit.asUser(c, async (tx) => {
        const current = await tx.profile.get();
        return tx.profile.update({
          ...(change.displayName === undefined ? {} : { displayName: change.displayName }),
          ...(change.riskTolerance === undefined ? {} : { riskTolerance: change.riskTolerance }),
          ...(change.currency === undefined ? {} : { settings: { ...current.settings, currency: change.currency } }),
        });
      });
      return jsonAnswer(c, profileView(row, c), 200);
    },
  );
}
