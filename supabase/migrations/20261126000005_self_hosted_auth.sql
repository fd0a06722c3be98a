-- Self-hosted auth's own storage: password hashes and refresh tokens, so sessions and logins outlive a restart.
-- On hosted Supabase, GoTrue keeps its own and these tables stay empty. They live in the auth schema, beside
-- auth.users, and are the service's alone: anon and authenticated get no privileges, and row-level security is
-- enabled and forced with no policy for them, so even a mistaken grant would show nothing.
--
-- Hosted Supabase reserves the auth schema for GoTrue (migrations may not create objects in it), and there these
-- tables are not needed: they are created only where the migrating role may create in auth (plain PostgreSQL 15,
-- PGlite, a local Supabase stack run as superuser).
do $$
begin
  if not has_schema_privilege(current_user, 'auth', 'CREATE') then
    raise notice 'self-hosted auth tables skipped: % may not create in schema auth (GoTrue owns it)', current_user;
    return;
  end if;

  create table auth.keel_password_credentials (
    user_id uuid primary key references auth.users (id) on delete cascade,
    -- Normalized by the edge (trimmed, lower-cased); the check keeps a second spelling of one address out.
    email text not null constraint keel_password_credentials_email_lower_case check (email = lower(email)),
    password_hash text not null constraint keel_password_credentials_password_hash_length
      check (char_length(password_hash) between 1 and 1000),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint keel_password_credentials_email_key unique (email)
  );

  create trigger keel_password_credentials_touch_updated_at before update on auth.keel_password_credentials
    for each row execute function keel.touch_updated_at();

  -- Only the SHA-256 of a refresh token is stored. Tokens rotated from one sign-in share family_id: reuse of a
  -- rotated token revokes the whole family.
  create table auth.keel_refresh_tokens (
    token_hash text primary key constraint keel_refresh_tokens_token_hash_is_sha256_hex
      check (token_hash ~ '^[0-9a-f]{64}$'),
    user_id uuid not null references auth.users (id) on delete cascade,
    family_id uuid not null,
    expires_at timestamptz not null,
    used_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz not null default now()
  );
  create index keel_refresh_tokens_family_idx on auth.keel_refresh_tokens (family_id);
  create index keel_refresh_tokens_user_idx on auth.keel_refresh_tokens (user_id);

  revoke all on auth.keel_password_credentials, auth.keel_refresh_tokens from public, anon, authenticated;
  grant select, insert, update, delete on auth.keel_password_credentials, auth.keel_refresh_tokens to service_role;

  alter table auth.keel_password_credentials enable row level security;
  alter table auth.keel_password_credentials force row level security;
  alter table auth.keel_refresh_tokens enable row level security;
  alter table auth.keel_refresh_tokens force row level security;
end $$;
