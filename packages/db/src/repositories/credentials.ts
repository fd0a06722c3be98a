/**
 * exchange_credentials. Users add, rename, replace and revoke their keys but can only ever read the summary:
 * presence flag, last 4 characters, timestamps (the database grants nothing more). The sealed envelope is read
 * by the service alone — the worker, at order time — and re-wrapped by `keel keys rotate`.
 */
import { z } from 'zod';
import { bytesColumn, timestampColumn } from '../columns.ts';
import type { Executor } from '../drivers/driver.ts';
import { InvalidInputError } from '../errors.ts';
import type { SealedSecret } from '../secrets/envelope.ts';
import type { SealedExchangeCredential } from '../secrets/exchange-secret.ts';
import { changeOne, parseInput, selectOne, selectRows } from './statements.ts';

export const credentialSummaryRow = z.object({
  id: z.string(),
  userId: z.string(),
  exchange: z.string(),
  label: z.string(),
  apiKeyLast4: z.string(),
  hasSecret: z.boolean(),
  secretUpdatedAt: timestampColumn.nullable(),
  lastUsedAt: timestampColumn.nullable(),
  createdAt: timestampColumn,
  updatedAt: timestampColumn,
});
export type CredentialSummary = z.output<typeof credentialSummaryRow>;

export const sealedCredentialRow = z.object({
  id: z.string(),
  userId: z.string(),
  exchange: z.string(),
  ciphertext: bytesColumn,
  wrappedDataKey: bytesColumn,
  masterKeyId: z.string(),
});
export type SealedCredentialRow = z.output<typeof sealedCredentialRow>;

const newCredential = z.object({
  exchange: z.string().regex(/^[a-z0-9]{2,32}$/, 'exchange: a ccxt id such as binance'),
  label: z.string().min(1).max(100),
});
export type NewCredential = z.input<typeof newCredential> & { sealed: SealedExchangeCredential };

// Only these columns are selectable by users; naming them is what makes the statement legal for authenticated.
const SUMMARY = `select id, user_id as "userId", exchange, label, api_key_last4 as "apiKeyLast4",
  has_secret as "hasSecret", secret_updated_at as "secretUpdatedAt", last_used_at as "lastUsedAt",
  created_at as "createdAt", updated_at as "updatedAt" from public.exchange_credentials`;

function envelopeParameters(sealed: SealedSecret): [Buffer, Buffer, string] {
  return [sealed.ciphertext, sealed.wrappedDataKey, sealed.masterKeyId];
}

export function userCredentials(executor: Executor, userId: string) {
  const get = (id: string): Promise<CredentialSummary> =>
    selectOne(executor, credentialSummaryRow, `${SUMMARY} where id = $1`, [id], { entity: 'credential', key: id });
  return {
    list: (): Promise<CredentialSummary[]> =>
      selectRows(executor, credentialSummaryRow, `${SUMMARY} order by created_at, id`),
    get,

    /** Stores keys sealed by sealExchangeSecret / sealCredentialFromBrowser for this user. */
    async add(input: NewCredential): Promise<CredentialSummary> {
      const valid = parseInput(newCredential, input, 'credential');
      const { sealed } = input;
      if (sealed.userId !== userId) throw new InvalidInputError('credential: sealed for another user');
      await executor.query(
        `insert into public.exchange_credentials
           (id, user_id, exchange, label, api_key_last4, secret_ciphertext, wrapped_data_key, master_key_id, secret_updated_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
        [
          sealed.credentialId,
          userId,
          valid.exchange,
          valid.label,
          sealed.apiKeyLast4,
          ...envelopeParameters(sealed.sealed),
        ],
      );
      return get(sealed.credentialId);
    },

    async rename(id: string, label: string): Promise<void> {
      const valid = parseInput(z.string().min(1).max(100), label, 'label');
      await changeOne(
        executor,
        'update public.exchange_credentials set label = $2 where id = $1 returning id',
        [id, valid],
        {
          entity: 'credential',
          key: id,
        },
      );
    },

    /** New keys for the same credential (sealed for this id and user). */
    async replaceSecret(sealed: SealedExchangeCredential): Promise<void> {
      if (sealed.userId !== userId) throw new InvalidInputError('credential: sealed for another user');
      await changeOne(
        executor,
        `update public.exchange_credentials set api_key_last4 = $2, secret_ciphertext = $3, wrapped_data_key = $4,
           master_key_id = $5, secret_updated_at = now() where id = $1 returning id`,
        [sealed.credentialId, sealed.apiKeyLast4, ...envelopeParameters(sealed.sealed)],
        { entity: 'credential', key: sealed.credentialId },
      );
    },

    /** Forgets the keys but keeps the row (bots' history refers to it); hasSecret becomes false. */
    async revoke(id: string): Promise<void> {
      await changeOne(
        executor,
        `update public.exchange_credentials set secret_ciphertext = null, wrapped_data_key = null, master_key_id = null,
           secret_updated_at = now() where id = $1 returning id`,
        [id],
        { entity: 'credential', key: id },
      );
    },

    async remove(id: string): Promise<void> {
      await changeOne(executor, 'delete from public.exchange_credentials where id = $1 returning id', [id], {
        entity: 'credential',
        key: id,
      });
    },
  };
}

const SEALED = `select id, user_id as "userId", exchange, secret_ciphertext as ciphertext,
  wrapped_data_key as "wrappedDataKey", master_key_id as "masterKeyId" from public.exchange_credentials`;

export function serviceCredentials(executor: Executor) {
  return {
    /** The envelope, for the worker to open at order time (openExchangeSecret); marks the credential used. */
    async takeSealed(id: string): Promise<SealedCredentialRow> {
      const row = await selectOne(
        executor,
        sealedCredentialRow,
        `with used as (update public.exchange_credentials set last_used_at = now()
           where id = $1 and secret_ciphertext is not null returning id)
         ${SEALED} where id in (select id from used)`,
        [id],
        { entity: 'credential with keys', key: id },
      );
      return row;
    },

    /** Credentials whose data key is wrapped by another master key than `activeKeyId`, by id, after `afterId`. */
    listToRewrap: (activeKeyId: string, afterId: string | null, limit: number): Promise<SealedCredentialRow[]> =>
      selectRows(
        executor,
        sealedCredentialRow,
        `${SEALED} where master_key_id is not null and master_key_id <> $1
           and ($2::uuid is null or id > $2::uuid) order by id limit $3`,
        [activeKeyId, afterId, limit],
      ),

    /**
     * Swaps in a re-wrapped data key, only if the row still holds the envelope it was read with (a concurrent
     * replaceSecret wins). Returns whether it was swapped.
     */
    async rewrap(current: SealedCredentialRow, rewrapped: SealedSecret): Promise<boolean> {
      const rows = await executor.query(
        `update public.exchange_credentials set wrapped_data_key = $2, master_key_id = $3
         where id = $1 and master_key_id = $4 and wrapped_data_key = $5 and secret_ciphertext = $6 returning id`,
        [
          current.id,
          rewrapped.wrappedDataKey,
          rewrapped.masterKeyId,
          current.masterKeyId,
          current.wrappedDataKey,
          rewrapped.ciphertext,
        ],
      );
      return rows.length === 1;
    },
  };
}
