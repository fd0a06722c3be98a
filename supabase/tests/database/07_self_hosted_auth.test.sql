-- Self-hosted auth's password hashes and refresh tokens are the service's alone: anon and authenticated (even the
-- account's owner) can neither read nor write them, for every verb; service_role can, and deleting the account
-- deletes them.
begin;
\ir ../helpers/tenancy.psql
select plan(22);

select tests.create_user('a@auth-store.test') as a \gset
select tests.claims_of(:'a') as claims \gset
insert into auth.keel_password_credentials (user_id, email, password_hash) values (:'a', 'a@auth-store.test', 'scrypt$hash');
insert into auth.keel_refresh_tokens (token_hash, user_id, family_id, expires_at)
  values (encode(sha256('token'::bytea), 'hex'), :'a', gen_random_uuid(), now() + interval '1 day');

select ok((select relrowsecurity and relforcerowsecurity from pg_class where oid = 'auth.keel_password_credentials'::regclass),
  'keel_password_credentials has row-level security enabled and forced');
select ok((select relrowsecurity and relforcerowsecurity from pg_class where oid = 'auth.keel_refresh_tokens'::regclass),
  'keel_refresh_tokens has row-level security enabled and forced');

create function pg_temp.verbs(table_name text, owner uuid) returns setof text language plpgsql as $$
declare
  role_name text;
  claims text;
begin
  foreach role_name in array array['anon', 'authenticated'] loop
    claims := case when role_name = 'authenticated' then tests.claims_of(owner) else '' end;
    return next tests.denied(tests.probe(format('select count(*) from auth.%I', table_name), role_name, claims),
      format('%s cannot select from auth.%s', role_name, table_name));
    return next tests.denied(tests.probe(format('update auth.%I set user_id = user_id where user_id = %L', table_name, owner),
      role_name, claims, 'dml'), format('%s cannot update auth.%s', role_name, table_name));
    return next tests.denied(tests.probe(format('delete from auth.%I where user_id = %L', table_name, owner),
      role_name, claims, 'dml'), format('%s cannot delete from auth.%s', role_name, table_name));
  end loop;
end $$;

select * from pg_temp.verbs('keel_password_credentials', :'a');
select * from pg_temp.verbs('keel_refresh_tokens', :'a');
select tests.denied(tests.probe(format(
  'insert into auth.keel_password_credentials (user_id, email, password_hash) values (%L, ''x@auth-store.test'', ''h'')', :'a'),
  'anon', '', 'dml'), 'anon cannot insert into auth.keel_password_credentials');
select tests.denied(tests.probe(format(
  'insert into auth.keel_password_credentials (user_id, email, password_hash) values (%L, ''x@auth-store.test'', ''h'')', :'a'),
  'authenticated', :'claims', 'dml'), 'authenticated cannot insert into auth.keel_password_credentials');
select tests.denied(tests.probe(format(
  'insert into auth.keel_refresh_tokens (token_hash, user_id, family_id, expires_at) values (repeat(''0'', 64), %L, gen_random_uuid(), now())', :'a'),
  'anon', '', 'dml'), 'anon cannot insert into auth.keel_refresh_tokens');
select tests.denied(tests.probe(format(
  'insert into auth.keel_refresh_tokens (token_hash, user_id, family_id, expires_at) values (repeat(''0'', 64), %L, gen_random_uuid(), now())', :'a'),
  'authenticated', :'claims', 'dml'), 'authenticated cannot insert into auth.keel_refresh_tokens');

select is((tests.probe(format('select count(*) from auth.keel_refresh_tokens where user_id = %L', :'a'), 'service_role', '')).row_count,
  1::bigint, 'service_role reads the refresh tokens');
select throws_ok($$insert into auth.keel_password_credentials (user_id, email, password_hash)
  values ((select id from auth.users where email = 'a@auth-store.test'), 'A@Auth-Store.test', 'h')$$,
  '23514', null, 'a credential email must be lower-case');

delete from auth.users where id = :'a';
select is((select count(*) from auth.keel_password_credentials where user_id = :'a'), 0::bigint,
  'deleting the account deletes its password credential');
select is((select count(*) from auth.keel_refresh_tokens where user_id = :'a'), 0::bigint,
  'deleting the account deletes its refresh tokens');

select * from finish();
rollback;
