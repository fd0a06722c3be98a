import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openExchangeSecret, sealExchangeSecret } from './exchange-secret.ts';
import { keyringFromKeys } from './keyring.ts';

const keyring = keyringFromKeys({ id: 'k1', key: Buffer.alloc(32, 5) });
const owner = { credentialId: '2b1f3c9e-1111-4222-8333-444455556666', userId: '9c8d7e6f-1111-4222-8333-444455556666' };

describe('exchange secrets', () => {
  it('open only for the credential and owner they were sealed for', () => {
    const sealed = sealExchangeSecret(keyring, owner, { apiKey: 'KEY-123456789', secret: 'SECRET-abcdefgh' });
    expect(sealed.apiKeyLast4).toBe('6789');
    expect(openExchangeSecret(keyring, { ...owner, sealed: sealed.sealed }).secret).toBe('SECRET-abcdefgh');
    expect(() =>
      openExchangeSecret(keyring, { ...owner, userId: '00000000-0000-4000-8000-000000000000', sealed: sealed.sealed }),
    ).toThrow(/failed authentication/);
  });

  it('never print: console, JSON and string forms are redacted', () => {
    const sealed = sealExchangeSecret(keyring, owner, { apiKey: 'KEY-123456789', secret: 'SECRET-abcdefgh' });
    const opened = openExchangeSecret(keyring, { ...owner, sealed: sealed.sealed });
    for (const shown of [inspect(opened), JSON.stringify({ opened }), `${opened}`]) {
      expect(shown).not.toContain('SECRET-abcdefgh');
      expect(shown).toContain('redacted');
    }
  });
});
