/**
 * api_tokens: personal tokens for the REST API. The token is shown once, at creation; the database keeps its
 * SHA-256 only (users cannot even read that back), and the edge finds a token by hashing what it was sent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { changeOne, parseInput, selectMaybe, selectRows } from './statements.ts';

export const API_TOKEN_SCOPES = ['read', 'trade', 'manage'] as const;
const TOKEN_PREFIX_BYTES = 6;
const TOKEN_SECRET_BYTES = 32;

export const apiTokenRow = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  tokenPrefix: z.string(),
  scopes: z.array(z.enum(API_TOKEN_SCOPES)),
  expiresAt: timestampColumn.nullable(),
  lastUsedAt: timestampColumn.nullable(),
  revokedAt: timestampColumn.nullable(),
  createdAt: timestampColumn,
});
export type ApiToken = z.output<typeof apiTokenRow>;

const newToken = z.strictObject({
  name: z.string().min(1).max(100),
  scopes: z.array(z.enum(API_TOKEN_SCOPES)).min(1).default(['read']),
  expiresAt: z.date().optional(),
});
export type NewApiToken = z.input<typeof newToken>;

function sha256(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

const COLUMNS = `id, user_id as "userId", name, token_prefix as "tokenPrefix", scopes, expires_at as "expiresAt",
  last_used_at as "lastUsedAt", revoked_at as "revokedAt", created_at as "createdAt"`;

function notFound(id: string) {
  return { entity: 'API token', key: id };
}

export function userApiTokens(executor: Executor, userId: string) {
  return {
    list: (): Promise<ApiToken[]> =>
      selectRows(executor, apiTokenRow, `select ${COLUMNS} from public.api_tokens order by created_at, id`),

    /** Makes a token: `keel_<prefix>_<secret>`. The returned `token` is the only copy there will ever be. */
    async create(input: NewApiToken): Promise<{ token: string; apiToken: ApiToken }> {
      const valid = parseInput(newToken, input, 'API token');
      const prefix = randomBytes(TOKEN_PREFIX_BYTES).toString('hex');
      const token = `keel_${prefix}_${randomBytes(TOKEN_SECRET_BYTES).toString('base64url')}`;
      const [row] = await executor.query(
        `insert into public.api_tokens (user_id, name, token_hash, token_prefix, scopes, expires_at)
         values ($1, $2, $3, $4, $5::text[], $6::timestamptz) returning ${COLUMNS}`,
        [userId, valid.name, sha256(token), prefix, valid.scopes, valid.expiresAt?.toISOString() ?? null],
      );
      return { token, apiToken: apiTokenRow.parse(row) };
    },

    async revoke(id: string): Promise<void> {
      await changeOne(
        executor,
        'update public.api_tokens set revoked_at = coalesce(revoked_at, now()) where id = $1 returning id',
        [id],
        notFound(id),
      );
    },

    async remove(id: string): Promise<void> {
      await changeOne(executor, 'delete from public.api_tokens where id = $1 returning id', [id], notFound(id));
    },
  };
}

export function serviceApiTokens(executor: Executor) {
  return {
    /** The live (unrevoked, unexpired) token matching what a client sent, marked used; null otherwise. */
    authenticate: (token: string): Promise<ApiToken | null> =>
      selectMaybe(
        executor,
        apiTokenRow,
        `update public.api_tokens set last_used_at = now()
         where token_hash = $1 and revoked_at is null and (expires_at is null or expires_at > now())
         returning ${COLUMNS}`,
        [sha256(token)],
      ),
  };
}
