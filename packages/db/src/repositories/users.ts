/**
 * auth.users for self-hosted auth (the embedded mode and tests). On hosted Supabase, GoTrue owns this table and
 * accounts are made through its API; the profile trigger works the same either way.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Executor } from '../drivers/driver.ts';
import { changeOne, parseInput } from './statements.ts';

const newUser = z.strictObject({ id: z.uuid().optional(), email: z.email().max(320) });
export type NewUser = z.input<typeof newUser>;

export function serviceUsers(executor: Executor) {
  return {
    /** Creates the account (and, through the trigger, its profile); returns its id. */
    async create(input: NewUser): Promise<string> {
      const valid = parseInput(newUser, input, 'user');
      const id = valid.id ?? randomUUID();
      await executor.query('insert into auth.users (id, email) values ($1, $2)', [id, valid.email]);
      return id;
    },
    /** Deletes the account and, by cascade, every row it owns (the audit trail stays). */
    async remove(id: string): Promise<void> {
      await changeOne(executor, 'delete from auth.users where id = $1 returning id', [id], { entity: 'user', key: id });
    },
  };
}
