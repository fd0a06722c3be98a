/** ip_allowlist: the networks a user's API tokens may be used from (checked by the edge). */
import { isIP } from 'node:net';
import { z } from 'zod';
import { timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { changeOne, parseInput, selectRows } from './statements.ts';

export const ipAllowlistRow = z.object({
  id: z.string(),
  userId: z.string(),
  cidr: z.string(),
  label: z.string().nullable(),
  createdAt: timestampColumn,
});
export type IpAllowlistEntry = z.output<typeof ipAllowlistRow>;

const newEntry = z.strictObject({
  cidr: z.string().refine((text) => {
    const [address, bits, extra] = text.split('/');
    if (extra !== undefined || address === undefined) return false;
    const family = isIP(address);
    const maxBits = family === 4 ? 32 : 128;
    return family !== 0 && (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits));
  }, 'cidr: an address or network such as 203.0.113.7 or 2001:db8::/32'),
  label: z.string().max(100).optional(),
});
export type NewIpAllowlistEntry = z.input<typeof newEntry>;

const COLUMNS = `id, user_id as "userId", cidr::text as cidr, label, created_at as "createdAt"`;

export function userIpAllowlist(executor: Executor, userId: string) {
  return {
    list: (): Promise<IpAllowlistEntry[]> =>
      selectRows(executor, ipAllowlistRow, `select ${COLUMNS} from public.ip_allowlist order by created_at, id`),
    async add(input: NewIpAllowlistEntry): Promise<IpAllowlistEntry> {
      const valid = parseInput(newEntry, input, 'allowlist entry');
      const [row] = await executor.query(
        `insert into public.ip_allowlist (user_id, cidr, label) values ($1, $2::cidr, $3) returning ${COLUMNS}`,
        [userId, valid.cidr, valid.label ?? null],
      );
      return ipAllowlistRow.parse(row);
    },
    async remove(id: string): Promise<void> {
      await changeOne(executor, 'delete from public.ip_allowlist where id = $1 returning id', [id], {
        entity: 'allowlist entry',
        key: id,
      });
    },
  };
}

export function serviceIpAllowlist(executor: Executor) {
  return {
    /** Whether `ip` may use the user's tokens: true when the list is empty (no restriction) or a network holds it. */
    async permits(userId: string, ip: string): Promise<boolean> {
      const [row] = await executor.query(
        `select not exists (select from public.ip_allowlist where user_id = $1)
           or exists (select from public.ip_allowlist where user_id = $1 and $2::inet <<= cidr) as permitted`,
        [userId, ip],
      );
      return row?.permitted === true;
    },
  };
}
