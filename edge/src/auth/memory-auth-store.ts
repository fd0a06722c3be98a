/**
 * The in-process AuthStore, for unit tests: it forgets everything on restart (accounts stay in the database, but
 * their passwords and sessions do not), which is why startEdge uses the database's (database-auth-store.ts).
 * Expired refresh tokens are swept as new ones are saved, so memory stays bounded by the live sessions.
 */
import { type AuthStore, EmailTakenError, type PasswordCredential, type RefreshTokenRecord } from './auth-store.ts';

const SWEEP_EVERY_SAVES = 1000;

export function memoryAuthStore(): AuthStore {
  const credentials = new Map<string, PasswordCredential>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();
  let savesSinceSweep = 0;

  function sweep(nowMs: number): void {
    for (const [hash, record] of refreshTokens) if (record.expiresAtMs < nowMs) refreshTokens.delete(hash);
  }

  return {
    async addCredential(credential) {
      if (credentials.has(credential.email)) throw new EmailTakenError();
      credentials.set(credential.email, { ...credential });
    },
    async credentialByEmail(email) {
      return credentials.get(email) ?? null;
    },
    async credentialByUserId(userId) {
      for (const credential of credentials.values()) if (credential.userId === userId) return credential;
      return null;
    },
    async savePassword(userId, passwordHash) {
      const credential = await this.credentialByUserId(userId);
      if (credential === null) return false;
      credential.passwordHash = passwordHash;
      return true;
    },
    async saveRefreshToken(record) {
      if (++savesSinceSweep >= SWEEP_EVERY_SAVES) {
        savesSinceSweep = 0;
        sweep(Date.now());
      }
      refreshTokens.set(record.tokenHash, { ...record });
    },
    async useRefreshToken(tokenHash, nowMs) {
      const record = refreshTokens.get(tokenHash);
      if (record === undefined) return null;
      const before = { ...record };
      record.usedAtMs ??= nowMs;
      return before;
    },
    async revokeFamilyOf(tokenHash, nowMs) {
      const record = refreshTokens.get(tokenHash);
      if (record === undefined) return false;
      await this.revokeFamily(record.familyId, nowMs);
      return true;
    },
    async revokeFamily(familyId, nowMs) {
      for (const record of refreshTokens.values()) {
        if (record.familyId === familyId) record.revokedAtMs ??= nowMs;
      }
    },
    async revokeUserTokens(userId, nowMs) {
      for (const record of refreshTokens.values()) {
        if (record.userId === userId) record.revokedAtMs ??= nowMs;
      }
    },
  };
}
