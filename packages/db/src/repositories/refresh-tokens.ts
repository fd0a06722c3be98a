/**
 * auth.keel_refresh_tokens: self-hosted auth's refresh tokens, stored as their SHA-256 (hex) only. Tokens rotated
 * from one sign-in share a family; the edge revokes the family when a rotated token is used again (OAuth 2.0
 * Security BCP, §4.14). Service-only, like the password credentials.
 */
import { z } from 'zod';
import { timeInput, timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { parseInput, selectMaybe } from './statements.ts';

export const refreshTokenRow = z.object({
  tokenHash: z.string(),
  userId: z.string(),
  /** The account's email (auth.users), which the edge puts in the access token it issues. */
  email: z.string(),
  familyId: z.string(),
  expiresAt: timestampColumn,
  usedAt: timestampColumn.nullable(),
  revokedAt: timestampColumn.nullable(),
  createdAt: timestampColumn,
});
export type RefreshTokenRow = z.output<typeof refreshTokenRow>;

const newRefreshToken = z.strictObject({
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lower-case hex'),
  userId: z.uuid(),
  familyId: z.uuid(),
  expiresAt: timeInput,
});
export type NewRefreshToken = z.input<typeof newRefreshToken>;

const COLUMNS = `t.token_hash as "tokenHash", t.user_id as "userId", u.email, t.family_id as "familyId",
  t.expires_at as "expiresAt", t.used_at as "usedAt", t.revoked_at as "revokedAt", t.created_at as "createdAt"`;

export function serviceRefreshTokens(executor: Executor) {
  return {
    async save(input: NewRefreshToken): Promise<void> {
      const valid = parseInput(newRefreshToken, input, 'refresh token');
      await executor.query(
        `insert into auth.keel_refresh_tokens (token_hash, user_id, family_id, expires_at)
         values ($1, $2, $3, $4::timestamptz)`,
        [valid.tokenHash, valid.userId, valid.familyId, valid.expiresAt],
      );
    },

    /**
     * Marks the token used (at `at`, if not already) and returns it as it was before: the row lock makes a
     * concurrent second use wait and then see usedAt, so exactly one of two racing refreshes rotates the token.
     */
    use: (tokenHash: string, at: Date | number): Promise<RefreshTokenRow | null> =>
      selectMaybe(
        executor,
        refreshTokenRow,
        `with before as (
           select * from auth.keel_refresh_tokens where token_hash = $1 for update
         ), marked as (
           update auth.keel_refresh_tokens t set used_at = coalesce(t.used_at, $2::timestamptz)
           from before where t.token_hash = before.token_hash returning t.token_hash
         )
         select ${COLUMNS} from before t join auth.users u on u.id = t.user_id`,
        [tokenHash, parseInput(timeInput, at, 'refresh token use time')],
      ),

    /** Revokes every token of the family `tokenHash` belongs to, without using it; false when it is unknown. */
    async revokeFamilyOf(tokenHash: string, at: Date | number): Promise<boolean> {
      const rows = await executor.query(
        `with target as (
           select family_id from auth.keel_refresh_tokens where token_hash = $1
         ), revoked as (
           update auth.keel_refresh_tokens set revoked_at = coalesce(revoked_at, $2::timestamptz)
           where family_id = (select family_id from target) returning token_hash
         )
         select family_id from target`,
        [tokenHash, parseInput(timeInput, at, 'refresh token revocation time')],
      );
      return rows.length === 1;
    },

    async revokeFamily(familyId: string, at: Date | number): Promise<void> {
      await executor.query(
        `update auth.keel_refresh_tokens set revoked_at = coalesce(revoked_at, $2::timestamptz)
         where family_id = $1`,
        [
          parseInput(z.uuid(), familyId, 'refresh token family'),
          parseInput(timeInput, at, 'refresh token revocation time'),
        ],
      );
    },

    /** Revokes every refresh token of the account (a password change signs out every session). */
    async revokeAllOf(userId: string, at: Date | number): Promise<void> {
      await executor.query(
        `update auth.keel_refresh_tokens set revoked_at = coalesce(revoked_at, $2::timestamptz)
         where user_id = $1 and revoked_at is null`,
        [
          parseInput(z.uuid(), userId, 'refresh token owner'),
          parseInput(timeInput, at, 'refresh token revocation time'),
        ],
      );
    },

    /** Deletes tokens that expired before `before` (they can only be refused); returns how many. */
    async removeExpired(before: Date | number): Promise<number> {
      const rows = await executor.query(
        'delete from auth.keel_refresh_tokens where expires_at < $1::timestamptz returning token_hash',
        [parseInput(timeInput, before, 'refresh token expiry')],
      );
      return rows.length;
    },
  };
}
