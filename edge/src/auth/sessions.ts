/**
 * Self-hosted sign-up, login, refresh and logout, answering like Supabase Auth (GoTrue): an access token (JWT,
 * short-lived) and a refresh token (random, stored as its SHA-256, rotated on every use). Using a refresh token a
 * second time means it was copied: the whole family (every token descended from that sign-in) is revoked, so the
 * thief and the victim are both signed out and the victim signs in again (OAuth 2.0 Security BCP, §4.14).
 */
import type { TokenResponse } from '@keel/contract';
import type { Database } from '@keel/db';
import { unauthorized } from '../http/problem.ts';
import type { Clock, Logger } from '../ports.ts';
import type { AccessTokens } from './access-tokens.ts';
import { type AuthStore, EmailTakenError, normalizeEmail, type RefreshTokenRecord } from './auth-store.ts';
import { randomToken, sha256Hex } from './encoding.ts';
import { decoyHash, hashPassword, verifyPassword } from './password.ts';

const REFRESH_TOKEN_BYTES = 32;

export interface SessionDeps {
  database: Database;
  authStore: AuthStore;
  tokens: AccessTokens;
  clock: Clock;
  passwordCost: number;
  refreshTokenTtlSeconds: number;
}

export interface RequestOrigin {
  requestId: string;
  ip?: string;
  logger: Logger;
}

export class AccountExistsError extends Error {
  constructor() {
    super('an account with this email exists: log in instead');
    this.name = 'AccountExistsError';
  }
}

/** The current password given to change it is wrong (or the account has no password: it signs in elsewhere). */
export class WrongPasswordError extends Error {
  constructor() {
    super('the current password is wrong');
    this.name = 'WrongPasswordError';
  }
}

export function selfHostedSessions(deps: SessionDeps) {
  // Made once, lazily: the login path for unknown emails verifies against it (constant-time answers).
  let decoy: Promise<string> | null = null;

  async function issue(userId: string, email: string, familyId: string): Promise<TokenResponse> {
    const refreshToken = randomToken(REFRESH_TOKEN_BYTES);
    const record: RefreshTokenRecord = {
      tokenHash: await sha256Hex(refreshToken),
      userId,
      email,
      familyId,
      expiresAtMs: deps.clock.now() + deps.refreshTokenTtlSeconds * 1000,
      usedAtMs: null,
      revokedAtMs: null,
    };
    await deps.authStore.saveRefreshToken(record);
    const access = await deps.tokens.issue({ userId, email, sessionId: familyId });
    return {
      access_token: access.token,
      refresh_token: refreshToken,
      token_type: 'bearer',
      expires_in: access.expiresIn,
      user: { id: userId, email },
    };
  }

  async function audit(
    origin: RequestOrigin,
    userId: string | null,
    action: string,
    payload: Record<string, unknown> = {},
  ) {
    await deps.database.asService((tx) => tx.audit.record({ action, userId, payload }), {
      requestId: origin.requestId,
      ...(origin.ip === undefined ? {} : { ip: origin.ip }),
      ...(userId === null ? {} : { actorId: userId }),
    });
  }

  return {
    async signup(input: { email: string; password: string }, origin: RequestOrigin): Promise<TokenResponse> {
      const email = normalizeEmail(input.email);
      if ((await deps.authStore.credentialByEmail(email)) !== null) throw new AccountExistsError();
      const passwordHash = await hashPassword(input.password, deps.passwordCost);
      let userId: string;
      try {
        userId = await deps.database.asService((tx) => tx.users.create({ email }), { requestId: origin.requestId });
      } catch (error) {
        if ((error as { code?: unknown }).code === '23505') throw new AccountExistsError();
        throw error;
      }
      try {
        await deps.authStore.addCredential({ userId, email, passwordHash });
      } catch (error) {
        if (error instanceof EmailTakenError) throw new AccountExistsError();
        throw error;
      }
      await audit(origin, userId, 'auth.signup');
      return issue(userId, email, crypto.randomUUID());
    },

    async login(input: { email: string; password: string }, origin: RequestOrigin): Promise<TokenResponse> {
      const email = normalizeEmail(input.email);
      const credential = await deps.authStore.credentialByEmail(email);
      decoy ??= decoyHash(deps.passwordCost);
      const valid = await verifyPassword(input.password, credential?.passwordHash ?? (await decoy));
      if (credential === null || !valid) {
        await audit(origin, credential?.userId ?? null, 'auth.login_failed', {
          reason: credential ? 'password' : 'email',
        });
        throw unauthorized('the email or password is wrong');
      }
      await audit(origin, credential.userId, 'auth.login');
      return issue(credential.userId, credential.email, crypto.randomUUID());
    },

    async refresh(refreshToken: string, origin: RequestOrigin): Promise<TokenResponse> {
      const now = deps.clock.now();
      const record = await deps.authStore.useRefreshToken(await sha256Hex(refreshToken), now);
      if (record === null || record.revokedAtMs !== null || record.expiresAtMs < now) {
        throw unauthorized('the refresh token is unknown, expired or revoked: log in again');
      }
      if (record.usedAtMs !== null) {
        await deps.authStore.revokeFamily(record.familyId, now);
        origin.logger.warn(
          { userId: record.userId, familyId: record.familyId },
          'refresh token reused: session revoked',
        );
        await audit(origin, record.userId, 'auth.refresh_reuse', { familyId: record.familyId });
        throw unauthorized('the refresh token was already used: every session from that login is signed out');
      }
      return issue(record.userId, record.email, record.familyId);
    },

    /**
     * Checks the current password, stores the new one and signs out every session of the account (a stolen
     * refresh token dies with the old password); the caller gets a new session.
     */
    async changePassword(
      input: { userId: string; currentPassword: string; newPassword: string },
      origin: RequestOrigin,
    ): Promise<TokenResponse> {
      const credential = await deps.authStore.credentialByUserId(input.userId);
      decoy ??= decoyHash(deps.passwordCost);
      const valid = await verifyPassword(input.currentPassword, credential?.passwordHash ?? (await decoy));
      if (credential === null || !valid) {
        await audit(origin, input.userId, 'auth.password_change_failed');
        throw new WrongPasswordError();
      }
      const passwordHash = await hashPassword(input.newPassword, deps.passwordCost);
      if (!(await deps.authStore.savePassword(credential.userId, passwordHash))) throw new WrongPasswordError();
      await deps.authStore.revokeUserTokens(credential.userId, deps.clock.now());
      await audit(origin, credential.userId, 'auth.password_changed');
      return issue(credential.userId, credential.email, crypto.randomUUID());
    },

    async logout(refreshToken: string, origin: RequestOrigin): Promise<void> {
      const tokenHash = await sha256Hex(refreshToken);
      // Logging out twice, or with a stranger's token, is not an error worth telling apart.
      await deps.authStore.revokeFamilyOf(tokenHash, deps.clock.now());
      origin.logger.info({}, 'logout');
    },
  };
}

export type SelfHostedSessions = ReturnType<typeof selfHostedSessions>;
