/**
 * Master keys from the environment. KEEL_MASTER_KEY (base64 of 32 random bytes) is the active key, named by
 * KEEL_MASTER_KEY_ID (default "k1"): new data keys are wrapped by it. KEEL_MASTER_KEYS lists older keys as
 * `id:base64,id:base64`; they still unwrap, so a rotation never makes a stored key unreadable (see
 * rotate-master-key.ts). Key material never appears in an error message.
 */
import { randomBytes } from 'node:crypto';

export const MASTER_KEY_BYTES = 32;
export const DEFAULT_MASTER_KEY_ID = 'k1';
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface MasterKey {
  id: string;
  key: Buffer;
}

export interface Keyring {
  /** Wraps every new or re-wrapped data key. */
  readonly active: MasterKey;
  /** Any key that can unwrap: the active one or an older one. */
  get(id: string): MasterKey | undefined;
  readonly ids: readonly string[];
}

/** The master-key configuration is missing or malformed; the message says which variable and how to fix it. */
export class KeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

function decodeKey(base64: string, where: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== MASTER_KEY_BYTES || key.toString('base64') !== base64.trim()) {
    throw new KeyringError(
      `${where} must be ${MASTER_KEY_BYTES} random bytes in base64 (44 characters); make one with \`keel keys generate\``,
    );
  }
  return key;
}

function checkId(id: string, where: string): string {
  if (!KEY_ID.test(id)) throw new KeyringError(`${where}: a key id is 1–64 characters of A–Z a–z 0–9 . _ -`);
  return id;
}

export function keyringFromKeys(active: MasterKey, older: readonly MasterKey[] = []): Keyring {
  const keys = new Map<string, MasterKey>([[active.id, active]]);
  for (const key of older) {
    const known = keys.get(key.id);
    if (known && !known.key.equals(key.key)) {
      throw new KeyringError(`master key id "${key.id}" is given twice with different keys`);
    }
    keys.set(key.id, key);
  }
  return { active, get: (id) => keys.get(id), ids: [...keys.keys()] };
}

export function keyringFromEnv(env: NodeJS.ProcessEnv = process.env): Keyring {
  const activeBase64 = env.KEEL_MASTER_KEY;
  if (!activeBase64) {
    throw new KeyringError(
      'KEEL_MASTER_KEY is not set: exchange keys are encrypted under it. Make one with `keel keys generate`.',
    );
  }
  const activeId = checkId(env.KEEL_MASTER_KEY_ID || DEFAULT_MASTER_KEY_ID, 'KEEL_MASTER_KEY_ID');
  const active = { id: activeId, key: decodeKey(activeBase64, 'KEEL_MASTER_KEY') };
  const older = (env.KEEL_MASTER_KEYS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry, index) => {
      const separator = entry.indexOf(':');
      if (separator < 1) throw new KeyringError(`KEEL_MASTER_KEYS entry ${index + 1} must be id:base64`);
      const id = checkId(entry.slice(0, separator), `KEEL_MASTER_KEYS entry ${index + 1}`);
      return { id, key: decodeKey(entry.slice(separator + 1), `KEEL_MASTER_KEYS entry ${index + 1} (${id})`) };
    });
  return keyringFromKeys(active, older);
}

/** A fresh master key, base64, for KEEL_MASTER_KEY. */
export function generateMasterKey(): string {
  return randomBytes(MASTER_KEY_BYTES).toString('base64');
}
