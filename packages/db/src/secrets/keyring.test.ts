import { describe, expect, it } from 'vitest';
import { generateMasterKey, KeyringError, keyringFromEnv } from './keyring.ts';

describe('keyringFromEnv', () => {
  it('reads the active key, its id and older keys', () => {
    const active = generateMasterKey();
    const old = generateMasterKey();
    const keyring = keyringFromEnv({
      KEEL_MASTER_KEY: active,
      KEEL_MASTER_KEY_ID: 'k2',
      KEEL_MASTER_KEYS: `k1:${old}`,
    });
    expect(keyring.active.id).toBe('k2');
    expect(keyring.ids).toEqual(['k2', 'k1']);
    expect(keyring.get('k1')?.key.toString('base64')).toBe(old);
    expect(keyringFromEnv({ KEEL_MASTER_KEY: active }).active.id).toBe('k1');
  });

  it('says what is wrong without printing key material', () => {
    expect(() => keyringFromEnv({})).toThrow(/KEEL_MASTER_KEY is not set.*keel keys generate/);
    const short = Buffer.alloc(16, 3).toString('base64');
    expect(() => keyringFromEnv({ KEEL_MASTER_KEY: short })).toThrow(KeyringError);
    expect(() => keyringFromEnv({ KEEL_MASTER_KEY: short })).not.toThrow(short);
    const key = generateMasterKey();
    expect(() => keyringFromEnv({ KEEL_MASTER_KEY: key, KEEL_MASTER_KEYS: `k1:${generateMasterKey()}` })).toThrow(
      /given twice/,
    );
    expect(() => keyringFromEnv({ KEEL_MASTER_KEY: key, KEEL_MASTER_KEYS: 'nocolon' })).toThrow(/id:base64/);
  });
});
