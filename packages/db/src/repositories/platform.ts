/** platform_settings: the platform-wide kill switch, read by every signed-in user, written by the service only. */
import { z } from 'zod';
import { timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { changeOne, selectOne } from './statements.ts';

export const platformSettingsRow = z.object({
  killSwitch: z.boolean(),
  killSwitchReason: z.string().nullable(),
  updatedAt: timestampColumn,
});
export type PlatformSettings = z.output<typeof platformSettingsRow>;

const SELECT = `select kill_switch as "killSwitch", kill_switch_reason as "killSwitchReason", updated_at as "updatedAt"
  from public.platform_settings where id`;

export function userPlatform(executor: Executor) {
  return {
    get: (): Promise<PlatformSettings> =>
      selectOne(executor, platformSettingsRow, SELECT, [], { entity: 'platform settings', key: 'row' }),
  };
}

export function servicePlatform(executor: Executor) {
  return {
    ...userPlatform(executor),
    async setKillSwitch(engaged: boolean, reason: string | null = null): Promise<void> {
      await changeOne(
        executor,
        'update public.platform_settings set kill_switch = $1, kill_switch_reason = $2 where id returning id',
        [engaged, reason],
        { entity: 'platform settings', key: 'row' },
      );
    },
  };
}
