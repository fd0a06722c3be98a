/**
 * `keel keys generate|rotate`: the master key that wraps every exchange key's data key, and the key pair the
 * dashboard encrypts to. rotate re-wraps every stored data key under KEEL_MASTER_KEY while the old keys stay in
 * KEEL_MASTER_KEYS, so nothing stops during a rotation.
 */
import {
  embeddedServerKeys,
  generateMasterKey,
  generateTransportKeyPair,
  type Keyring,
  keyringFromEnv,
  rotateMasterKey,
} from '@keel/db';
import { type Command, numberOption, UsageError } from '../command.ts';
import { DEFAULT_DB_DIR, openConfiguredDatabase } from './db.ts';

async function configuredKeyring(values: Record<string, unknown>): Promise<Keyring> {
  if (process.env.KEEL_MASTER_KEY || process.env.DATABASE_URL) return keyringFromEnv();
  const dbDir = (values['db-dir'] as string | undefined) ?? process.env.KEEL_DB_DIR ?? DEFAULT_DB_DIR;
  return (await embeddedServerKeys(dbDir)).keyring;
}

export const keysCommand: Command = {
  name: 'keys',
  summary: 'make new server keys (generate) or re-wrap stored exchange keys under the active master key (rotate)',
  usage: 'generate | rotate [--batch-size N] [--db-dir DIR]',
  allowPositionals: true,
  options: {
    'batch-size': { type: 'string', valueName: 'N', default: '100', description: 'credentials per transaction' },
    'db-dir': { type: 'string', valueName: 'DIR', description: 'embedded database folder (see keel db --help)' },
  },
  details: `
generate prints a new KEEL_MASTER_KEY and KEEL_TRANSPORT_PRIVATE_KEY for .env (keep them secret).

Rotating the master key, without downtime:
  1. KEEL_MASTER_KEY=<new> KEEL_MASTER_KEY_ID=k2 KEEL_MASTER_KEYS=k1:<old>   and restart: new keys use k2
  2. keel keys rotate                                                         re-wraps every k1 data key
  3. remove k1 from KEEL_MASTER_KEYS once rotate reports nothing left under it
Only the 60-byte wrapped data keys change; ciphertexts never do.`,
  async run(values, positionals) {
    const [action, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
    if (action === 'generate') {
      const { privateKey } = await generateTransportKeyPair(`t-${new Date().toISOString().slice(0, 10)}`);
      console.log(`KEEL_MASTER_KEY_ID=k${Date.now().toString(36)}`);
      console.log(`KEEL_MASTER_KEY=${generateMasterKey()}`);
      console.log(`KEEL_TRANSPORT_PRIVATE_KEY='${JSON.stringify({ ...privateKey.jwk, kid: privateKey.kid })}'`);
      return 0;
    }
    if (action !== 'rotate') throw new UsageError(`expected generate or rotate, got ${JSON.stringify(action ?? '')}`);
    const batchSize = numberOption(values, 'batch-size', { min: 1, max: 10_000, integer: true });
    const keyring = await configuredKeyring(values);
    const { db, description } = await openConfiguredDatabase(values);
    try {
      console.log(
        `keel keys: ${description}; active master key "${keyring.active.id}", known: ${keyring.ids.join(', ')}`,
      );
      const report = await rotateMasterKey(db, keyring, { batchSize });
      const remaining = await db.asService((tx) =>
        tx.query(
          `select master_key_id as id, count(*)::int as count from public.exchange_credentials
           where master_key_id is not null group by master_key_id order by master_key_id`,
        ),
      );
      console.log(
        `keel keys: re-wrapped ${report.rewrapped}, changed meanwhile ${report.skipped}, failed ${report.failures.length}`,
      );
      for (const failure of report.failures)
        console.error(`keel keys: credential ${failure.credentialId}: ${failure.reason}`);
      console.log(
        `keel keys: stored keys per master key: ${remaining.map((r) => `${r.id}=${r.count}`).join(', ') || 'none'}`,
      );
      return report.failures.length === 0 ? 0 : 1;
    } finally {
      await db.close();
    }
  },
};
