/**
 * Password hashing with scrypt (RFC 7914), memory-hard, in pure JavaScript (@noble/hashes) so Node and Deno hash
 * alike without native code. Parameters: N = 2^cost, r = 8, p = 1, 16-byte random salt, 32-byte key; cost 15 is
 * 32 MiB and about 0.3–0.45 s per hash on the project's 2-core machine (measured; pure JS is ~3× slower than
 * native scrypt, which is why the cost is below OWASP's 2^17 — raise PASSWORD_SCRYPT_COST where CPU allows).
 * The parameters are stored in each hash, so raising the cost leaves existing hashes verifiable.
 *
 * Format (PHC string): $scrypt$ln=<cost>,r=8,p=1$<salt base64url>$<key base64url>
 */
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { constantTimeEqual, fromBase64Url, toBase64Url } from './encoding.ts';

const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Refuse stored hashes that would take unbounded memory (a tampered row must not exhaust the server). */
const MAX_COST = 20;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{32,128})$/;

export async function hashPassword(password: string, cost: number): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const key = await scryptAsync(password.normalize('NFKC'), salt, {
    N: 2 ** cost,
    r: BLOCK_SIZE,
    p: PARALLELISM,
    dkLen: KEY_BYTES,
  });
  return `$scrypt$ln=${cost},r=${BLOCK_SIZE},p=${PARALLELISM}$${toBase64Url(salt)}$${toBase64Url(key)}`;
}

/** Whether `password` matches `stored`; false (never an exception) for a malformed or unsupported hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = PHC.exec(stored);
  if (!match) return false;
  const [cost, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (cost < 1 || cost > MAX_COST || r < 1 || p < 1) return false;
  let salt: Uint8Array;
  let expected: Uint8Array;
  try {
    salt = fromBase64Url(match[4] as string);
    expected = fromBase64Url(match[5] as string);
  } catch {
    return false;
  }
  const key = await scryptAsync(password.normalize('NFKC'), salt, { N: 2 ** cost, r, p, dkLen: expected.length });
  return constantTimeEqual(key, expected);
}

/**
 * A hash of a random password at `cost`, for logins with an unknown email: verifying against it takes as long as
 * a real verification, so response time does not reveal which emails have accounts.
 */
export function decoyHash(cost: number): Promise<string> {
  return hashPassword(toBase64Url(crypto.getRandomValues(new Uint8Array(16))), cost);
}
