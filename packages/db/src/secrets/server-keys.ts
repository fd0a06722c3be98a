/**
 * Where the server's keys come from. With DATABASE_URL (a real deployment) they come from the environment:
 * KEEL_MASTER_KEY… (keyring.ts) and KEEL_TRANSPORT_PRIVATE_KEY (the P-256 private key as a JWK with its "kid").
 * In the embedded mode (no configuration) they are made on first start and kept in the database folder, readable
 * by the owner only — convenient on one machine, and the reason that folder must be backed up and kept private.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MASTER_KEY_ID, generateMasterKey, type Keyring, KeyringError, keyringFromEnv } from './keyring.ts';
import { type EcJwk, generateTransportKeyPair, type TransportPrivateKey } from './transport.ts';

const MASTER_KEY_FILE = 'master-key.env';
const TRANSPORT_KEY_FILE = 'transport-key.json';
const OWNER_ONLY = 0o600;

export function transportKeyFromEnv(env: NodeJS.ProcessEnv = process.env): TransportPrivateKey {
  const raw = env.KEEL_TRANSPORT_PRIVATE_KEY;
  if (!raw) {
    throw new KeyringError(
      'KEEL_TRANSPORT_PRIVATE_KEY is not set: the dashboard encrypts exchange keys to it. Make one with `keel keys generate`.',
    );
  }
  let jwk: EcJwk;
  try {
    jwk = JSON.parse(raw) as EcJwk;
  } catch {
    throw new KeyringError('KEEL_TRANSPORT_PRIVATE_KEY must be a JSON Web Key (JSON)');
  }
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.d !== 'string' || typeof jwk.kid !== 'string') {
    throw new KeyringError('KEEL_TRANSPORT_PRIVATE_KEY must be a P-256 private JWK with a "kid"');
  }
  return { kid: jwk.kid, jwk };
}

/** The embedded mode's keys: read from `dir`, or made and written there (mode 600) on first use. */
export async function embeddedServerKeys(
  dir: string,
): Promise<{ keyring: Keyring; transportKey: TransportPrivateKey }> {
  mkdirSync(dir, { recursive: true });
  const masterPath = join(dir, MASTER_KEY_FILE);
  if (!existsSync(masterPath)) {
    writeFileSync(masterPath, `KEEL_MASTER_KEY_ID=${DEFAULT_MASTER_KEY_ID}\nKEEL_MASTER_KEY=${generateMasterKey()}\n`, {
      mode: OWNER_ONLY,
      flag: 'wx',
    });
  }
  const env = Object.fromEntries(
    readFileSync(masterPath, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()]),
  );
  const transportPath = join(dir, TRANSPORT_KEY_FILE);
  if (!existsSync(transportPath)) {
    const { privateKey } = await generateTransportKeyPair(`embedded-${Date.now().toString(36)}`);
    writeFileSync(transportPath, JSON.stringify({ ...privateKey.jwk, kid: privateKey.kid }), {
      mode: OWNER_ONLY,
      flag: 'wx',
    });
  }
  return {
    keyring: keyringFromEnv(env),
    transportKey: transportKeyFromEnv({ KEEL_TRANSPORT_PRIVATE_KEY: readFileSync(transportPath, 'utf8') }),
  };
}
