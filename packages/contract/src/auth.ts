/** Self-hosted auth, answering like Supabase Auth (GoTrue) so the dashboard handles both modes alike. */
import { z } from 'zod';
import { Uuid } from './common.ts';

const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 200;

export const Email = z.email('a valid email address').max(254);
export const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `at most ${MAX_PASSWORD_LENGTH} characters`);

export const SignupRequest = z.object({ email: Email, password: Password });
export const LoginRequest = z.object({ email: Email, password: z.string().min(1).max(MAX_PASSWORD_LENGTH) });
export const RefreshRequest = z.object({ refresh_token: z.string().min(1).max(500) });
export const LogoutRequest = RefreshRequest;
export const PasswordChangeRequest = z.object({
  current_password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
  new_password: Password,
});

export const TokenResponse = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('bearer'),
  /** Seconds until the access token expires. */
  expires_in: z.number().int(),
  user: z.object({ id: Uuid, email: Email }),
});

export type SignupRequest = z.infer<typeof SignupRequest>;
export type LoginRequest = z.infer<typeof LoginRequest>;
export type TokenResponse = z.infer<typeof TokenResponse>;
