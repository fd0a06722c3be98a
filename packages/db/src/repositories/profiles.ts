/** profiles: one per user (created with the account); preferences, risk tolerance and the user's kill switch. */
import { z } from 'zod';
import { jsonObjectColumn, timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { changeOne, json, parseInput, selectOne } from './statements.ts';

export const RISK_TOLERANCES = ['conservative', 'moderate', 'aggressive'] as const;
export type RiskTolerance = (typeof RISK_TOLERANCES)[number];

export const profileRow = z.object({
  id: z.string(),
  displayName: z.string().nullable(),
  riskTolerance: z.enum(RISK_TOLERANCES),
  settings: jsonObjectColumn,
  isAdmin: z.boolean(),
  killSwitch: z.boolean(),
  killSwitchReason: z.string().nullable(),
  createdAt: timestampColumn,
  updatedAt: timestampColumn,
});
export type Profile = z.output<typeof profileRow>;

const profilePatch = z.strictObject({
  displayName: z.string().min(1).max(100).nullable().optional(),
  riskTolerance: z.enum(RISK_TOLERANCES).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});
export type ProfilePatch = z.input<typeof profilePatch>;

const SELECT = `select id, display_name as "displayName", risk_tolerance as "riskTolerance", settings,
  is_admin as "isAdmin", kill_switch as "killSwitch", kill_switch_reason as "killSwitchReason",
  created_at as "createdAt", updated_at as "updatedAt" from public.profiles`;

export function userProfiles(executor: Executor, userId: string) {
  const notFound = { entity: 'profile', key: userId };
  return {
    get: (): Promise<Profile> => selectOne(executor, profileRow, `${SELECT} where id = $1`, [userId], notFound),

    /** Changes only the fields given; null clears displayName. */
    async update(patch: ProfilePatch): Promise<Profile> {
      const valid = parseInput(profilePatch, patch, 'profile');
      await changeOne(
        executor,
        `update public.profiles set
           display_name = case when $2 then $3 else display_name end,
           risk_tolerance = coalesce($4::public.risk_tolerance, risk_tolerance),
           settings = coalesce($5::text::jsonb, settings)
         where id = $1 returning id`,
        [
          userId,
          valid.displayName !== undefined,
          valid.displayName ?? null,
          valid.riskTolerance ?? null,
          valid.settings === undefined ? null : json(valid.settings),
        ],
        notFound,
      );
      return this.get();
    },

    /** The user's own kill switch: every bot of theirs stops trading while it is on. */
    async setKillSwitch(engaged: boolean, reason: string | null = null): Promise<void> {
      await changeOne(
        executor,
        'update public.profiles set kill_switch = $2, kill_switch_reason = $3 where id = $1 returning id',
        [userId, engaged, reason],
        notFound,
      );
    },
  };
}

export function serviceProfiles(executor: Executor) {
  return {
    get: (userId: string): Promise<Profile> =>
      selectOne(executor, profileRow, `${SELECT} where id = $1`, [userId], { entity: 'profile', key: userId }),

    /** Admin rights are granted by the service only: users cannot write is_admin (column privileges). */
    async setAdmin(userId: string, isAdmin: boolean): Promise<void> {
      await changeOne(
        executor,
        'update public.profiles set is_admin = $2 where id = $1 returning id',
        [userId, isAdmin],
        {
          entity: 'profile',
          key: userId,
        },
      );
    },
  };
}
