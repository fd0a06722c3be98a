/**
 * `keel keys rotate`: re-wraps every stored data key under the active master key. Only the 60-byte wrapped keys
 * change — never a ciphertext — in small transactions, each row swapped only if it still holds what was read.
 * There is no downtime: during the rotation the old key stays in KEEL_MASTER_KEYS, so the worker opens rows
 * whichever key wraps them.
 *
 *   1. KEEL_MASTER_KEY=<new> KEEL_MASTER_KEY_ID=k2 KEEL_MASTER_KEYS=k1:<old>   (deploy: new keys are sealed with k2)
 *   2. keel keys rotate                                                         (re-wraps the k1 rows)
 *   3. drop k1 from KEEL_MASTER_KEYS once `keel keys rotate` reports none left
 */
import type { Database } from '../database.ts';
import { rewrapSecret } from './envelope.ts';
import { credentialContext } from './exchange-secret.ts';
import type { Keyring } from './keyring.ts';

export interface RotationReport {
  rewrapped: number;
  /** Rows changed by someone else between read and write: they will be seen on the next run. */
  skipped: number;
  /** Rows that could not be opened (unknown master key, tampered data), by credential id; never the contents. */
  failures: { credentialId: string; reason: string }[];
}

export async function rotateMasterKey(
  db: Database,
  keyring: Keyring,
  options: { batchSize?: number; log?: (line: string) => void } = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 100;
  const report: RotationReport = { rewrapped: 0, skipped: 0, failures: [] };
  let afterId: string | null = null;
  for (;;) {
    const batch: { lastId: string | null; count: number } = await db.asService(async (tx) => {
      const rows = await tx.credentials.listToRewrap(keyring.active.id, afterId, batchSize);
      for (const row of rows) {
        try {
          const rewrapped = rewrapSecret(
            keyring,
            { ciphertext: row.ciphertext, wrappedDataKey: row.wrappedDataKey, masterKeyId: row.masterKeyId },
            credentialContext(row.id, row.userId),
          );
          if (await tx.credentials.rewrap(row, rewrapped)) report.rewrapped++;
          else report.skipped++;
        } catch (error) {
          report.failures.push({ credentialId: row.id, reason: (error as Error).message });
        }
      }
      return { lastId: rows.at(-1)?.id ?? null, count: rows.length };
    });
    if (batch.count > 0) options.log?.(`re-wrapped ${report.rewrapped} so far`);
    if (batch.count < batchSize || batch.lastId === null) return report;
    afterId = batch.lastId;
  }
}
