/**
 * The signed-in user's profile (currency, role, risk tolerance), loaded once per session and shared by every
 * page: money is shown in the profile's currency, and the admin page is only offered to admins.
 */
import type { Profile } from '../api/account.ts';
import { getProfile } from '../api/account.ts';
import { api, onSignOut } from './session.svelte.ts';

const FALLBACK_CURRENCY = 'USDT';

export const account = $state<{ profile: Profile | null; error: Error | null }>({ profile: null, error: null });

let loading: Promise<void> | null = null;

export function loadProfile(): Promise<void> {
  loading ??= getProfile(api)
    .then((profile) => {
      account.profile = profile;
      account.error = null;
    })
    .catch((error: unknown) => {
      account.error = error instanceof Error ? error : new Error(String(error));
      loading = null;
    });
  return loading;
}

export function setProfile(profile: Profile): void {
  account.profile = profile;
}

/** The currency money is shown in. */
export function currency(): string {
  return account.profile?.currency ?? FALLBACK_CURRENCY;
}

onSignOut(() => {
  account.profile = null;
  loading = null;
});
