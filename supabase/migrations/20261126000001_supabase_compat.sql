-- Supabase's security surface where it does not exist yet: the roles PostgREST switches to, auth.users and the
-- auth.uid() / auth.role() / auth.jwt() helpers. Everything is created only when missing, so on hosted Supabase
-- this migration changes nothing, and on plain PostgreSQL 15 and PGlite it builds the same surface, so the
-- policies in later migrations hold everywhere.

do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
end $$;

-- The data-access package switches roles per transaction (set_config('role', …, true)): a non-superuser that runs
-- the migrations (and the app) must be a member of the three roles. Superusers and Supabase's postgres already are.
do $$
declare
  target text;
begin
  if not (select rolsuper from pg_roles where rolname = current_user) then
    foreach target in array array['anon', 'authenticated', 'service_role'] loop
      if not pg_has_role(current_user, target, 'member') then
        execute format('grant %I to %I', target, current_user);
      end if;
    end loop;
  end if;
end $$;

do $$
begin
  if not exists (select from pg_namespace where nspname = 'auth') then
    create schema auth;
    grant usage on schema auth to anon, authenticated, service_role;
  end if;

  -- A minimal auth.users: Supabase's has many more columns, of which Keel reads only id and email.
  if to_regclass('auth.users') is null then
    create table auth.users (
      id uuid primary key,
      email text unique,
      created_at timestamptz not null default now()
    );
    -- Self-hosted accounts (embedded mode, tests) are made by the service; on Supabase, GoTrue does it.
    grant select, insert, delete on auth.users to service_role;
  end if;

  -- Supabase's definitions, verbatim: the claim comes from request.jwt.claims (PostgREST ≥ 9) or the older
  -- request.jwt.claim.sub; nullif tolerates the empty string a pooled connection keeps after a transaction
  -- that set the claims locally.
  if to_regprocedure('auth.uid()') is null then
    create function auth.uid() returns uuid language sql stable as $f$
      select coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
      )::uuid
    $f$;
    grant execute on function auth.uid() to anon, authenticated, service_role;
  end if;
  if to_regprocedure('auth.role()') is null then
    create function auth.role() returns text language sql stable as $f$
      select coalesce(
        nullif(current_setting('request.jwt.claim.role', true), ''),
        (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
      )::text
    $f$;
    grant execute on function auth.role() to anon, authenticated, service_role;
  end if;
  if to_regprocedure('auth.jwt()') is null then
    create function auth.jwt() returns jsonb language sql stable as $f$
      select coalesce(
        nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')
      )::jsonb
    $f$;
    grant execute on function auth.jwt() to anon, authenticated, service_role;
  end if;
end $$;

grant usage on schema public to anon, authenticated, service_role;

-- Keel's own functions (integrity and audit triggers, validators) live outside the API-exposed public schema.
create schema if not exists keel;
revoke all on schema keel from public;
grant usage on schema keel to authenticated, service_role;
