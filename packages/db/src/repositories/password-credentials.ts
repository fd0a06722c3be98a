/**
 * auth.keel_password_credentials: self-hosted auth's password hashes (the embedded mode and a standalone edge
 * without Supabase). Service-only: anon and authenticated have no privileges on the table. Emails arrive
 * normalized (trimmed, lower-cased) by the edge; the table refuses any other spelling.
 */
import { z } from 'zod';
import { timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { parseInput, selectMaybe } from './statements.ts';

export const passwordCredentialRow = z.object({
  userId: z.string(),
  email: z.string(),
  passwordHash: z.string(),
  createdAt: timestampColumn,
  updatedAt: timestampColumn,
});
export type PasswordCredentialRow = z.output<typeof passwordCredentialRow>;

const newPasswordCredential = z.strictObject({
  userId: z.uuid(),
  email: z
    .email()
    .max(320)
    .refine((email) => email === email.trim().toLowerCase(), 'must be trimmed and lower-case'),
  passwordHash: z.string().min(1).max(1000),
});
export type NewPasswordCredential = z.input<typeof newPasswordCredential>;

const COLUMNS = `user_id as "userId", email, password_hash as "passwordHash", created_at as "createdAt",
  updated_at as "updatedAt"`;

export function servicePasswordCredentials(executor: Executor) {
  return {
    /** False when the email or the account has a credential already (nothing is changed then). */
    async add(input: NewPasswordCredential): Promise<boolean> {
      const valid = parseInput(newPasswordCredential, input, 'password credential');
      const rows = await executor.query(
        `insert into auth.keel_password_credentials (user_id, email, password_hash) values ($1, $2, $3)
         on conflict do nothing returning user_id`,
        [valid.userId, valid.email, valid.passwordHash],
      );
      return rows.length === 1;
    },

    byEmail: (email: string): Promise<PasswordCredentialRow | null> =>
      selectMaybe(
        executor,
        passwordCredentialRow,
        `select ${COLUMNS} from auth.keel_password_credentials where email = $1`,
        [email],
      ),

    byUserId: (userId: string): Promise<PasswordCredentialRow | null> =>
      selectMaybe(
        executor,
        passwordCredentialRow,
        `select ${COLUMNS} from auth.keel_password_credentials where user_id = $1`,
        [parseInput(z.uuid(), userId, 'password credential')],
      ),

    /** Replaces the account's password hash (a password change); false when the account has no credential. */
    async savePassword(userId: string, passwordHash: string): Promise<boolean> {
      const valid = parseInput(
        newPasswordCredential.pick({ userId: true, passwordHash: true }),
        {
          userId,
          passwordHash,
        },
        'password credential',
      );
      const rows = await executor.query(
        'update auth.keel_password_credentials set password_hash = $2 where user_id = $1 returning user_id',
        [valid.userId, valid.passwordHash],
      );
      return rows.length === 1;
    },
  };
}
