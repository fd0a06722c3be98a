import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.ts';

describe('password hashing (scrypt)', () => {
  it('verifies the password it hashed, with a fresh salt each time, and nothing else', async () => {
    const first = await hashPassword('correct horse battery staple', 10);
    const second = await hashPassword('correct horse battery staple', 10);
    expect(first).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword('correct horse battery staple', first)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', first)).toBe(false);
    expect(await verifyPassword('', first)).toBe(false);
  });

  it('treats Unicode forms alike (NFKC) and refuses malformed or absurd stored hashes without throwing', async () => {
    const hash = await hashPassword('caf\u00e9 au lait!', 10);
    expect(await verifyPassword('cafe\u0301 au lait!', hash)).toBe(true);
    for (const stored of [
      '',
      'plain',
      '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      hash.slice(0, -2),
    ]) {
      expect(await verifyPassword('caf\u00e9 au lait!', stored)).toBe(false);
    }
  });
});
