/**
 * The AuthStore in the database (auth.keel_password_credentials, auth.keel_refresh_tokens, through @keel/db's
 * service scope): passwords and sessions outlive a restart, and several edge processes share them. Expired refresh
 * tokens are swept as new ones are saved, as the in-memory store does, so the table stays bounded by live sessions.
 */
import type { Database, PasswordCredentialRow, RefreshTokenRow } from '@keel/db';
import { type AuthStore, EmailTakenError, type PasswordCredential, type RefreshTokenRecord } from './auth-store.ts';

const SWEEP_EVERY_SAVES = 1000;

function credentialOf(row: PasswordCredentialRow): PasswordCredential {
  return { userId: row.userId, email: row.email, passwordHash: row.passwordHash };
}

function recordOf(row: RefreshTokenRow): RefreshTokenRecord {
  return {
    tokenHash: row.tokenHash,
    userId: row.userId,
    email: row.email,
    familyId: row.familyId,
    expiresAtMs: row.expiresAt.getTime(),
    usedAtMs: row.usedAt?.getTime() ?? null,
    revokedAtMs: row.revokedAt?.getTime() ?? null,
  };
}

export function databaseAuthStore(database: Database): AuthStore {
  let savesSinceSweep = 0;

  return {
    async addCredential(credential) {
      const added = await database.asService((tx) => tx.passwordCredentials.add(credential));
      if (!added) throw new EmailTakenError();
    },
    async credentialByEmail(email) {
      const row = await database.asService((tx) => tx.passwordCredentials.byEmail(email));
      return row === null ? null : credentialOf(row);
    },
    async credentialByUserId(userId) {
      const row = await database.asService((tx) => tx.passwordCredentials.byUserId(userId));
      return row === null ? null : credentialOf(row);
    },
    savePassword(userId, passwordHash) {
      return database.asService((tx) => tx.passwordCredentials.savePassword(userId, passwordHash));
    },
    async saveRefreshToken(record) {
      const sweep = ++savesSinceSweep >= SWEEP_EVERY_SAVES;
      if (sweep) savesSinceSweep = 0;
      await database.asService(async (tx) => {
        if (sweep) await tx.refreshTokens.removeExpired(Date.now());
        await tx.refreshTokens.save({
          tokenHash: record.tokenHash,
          userId: record.userId,
          familyId: record.familyId,
          expiresAt: record.expiresAtMs,
        });
      });
    },
    async useRefreshToken(tokenHash, nowMs) {
      const row = await database.asService((tx) => tx.refreshTokens.use(tokenHash, nowMs));
      return row === null ? null : recordOf(row);
    },
    revokeFamilyOf(tokenHash, nowMs) {
      return database.asService((tx) => tx.refreshTokens.revokeFamilyOf(tokenHash, nowMs));
    },
    async revokeFamily(familyId, nowMs) {
      await database.asService((tx) => tx.refreshTokens.revokeFamily(familyId, nowMs));
    },
    async revokeUserTokens(userId, nowMs) {
      await database.asService((tx) => tx.refreshTokens.revokeAllOf(userId, nowMs));
    },
  };
}
