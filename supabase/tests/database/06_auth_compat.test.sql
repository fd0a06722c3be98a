-- The Supabase-compatible surface the policies rely on: roles, auth.users, auth.uid() reading the JWT claims
-- (and tolerating the empty setting a pooled connection keeps), the profile made for every new account.
begin;
select plan(12);

select has_role('anon');
select has_role('authenticated');
select has_role('service_role');
select ok((select rolbypassrls from pg_roles where rolname = 'service_role'), 'service_role bypasses RLS');
select ok(not (select rolbypassrls or rolsuper from pg_roles where rolname = 'authenticated'), 'authenticated is subject to RLS');
select has_function('auth', 'uid', 'auth.uid() exists');

select set_config('request.jwt.claims', '{"sub": "8f5bd1b6-3a47-4f3c-9a35-0a4e9e3c1c11", "role": "authenticated"}', true) \gset
select is(auth.uid(), '8f5bd1b6-3a47-4f3c-9a35-0a4e9e3c1c11'::uuid, 'auth.uid() reads sub from request.jwt.claims');
select is(auth.role(), 'authenticated', 'auth.role() reads role from request.jwt.claims');
select set_config('request.jwt.claims', '', true) \gset
select is(auth.uid(), null, 'auth.uid() is null for the empty setting a pooled connection keeps');
select set_config('request.jwt.claim.sub', '0d8a7c1e-2b6f-4e0e-9a8d-6b0c2f3e4a5b', true) \gset
select is(auth.uid(), '0d8a7c1e-2b6f-4e0e-9a8d-6b0c2f3e4a5b'::uuid, 'auth.uid() still reads the older request.jwt.claim.sub');

insert into auth.users (id, email) values ('3c9e1f0a-5b7d-4c2e-8f6a-1d2b3c4e5f60', 'new@compat.test');
select is((select risk_tolerance::text from public.profiles where id = '3c9e1f0a-5b7d-4c2e-8f6a-1d2b3c4e5f60'), 'moderate',
  'a new account gets a profile with defaults');
select is((select count(*) from supabase_migrations.schema_migrations), (select count(*) from supabase_migrations.schema_migrations where name is not null),
  'every applied migration is recorded with its name (Supabase CLI''s table)');

select * from finish();
rollback;
