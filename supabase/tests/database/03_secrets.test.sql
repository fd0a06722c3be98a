-- exchange_credentials: the secret columns are never selectable by authenticated — only the presence flag, the
-- last 4 characters and timestamps; users can still write (seal) them. api_tokens: the hash is never readable.
begin;
\ir ../helpers/tenancy.psql
select plan(12);

select tests.create_user('a@secrets.test') as a \gset
select tests.seed_tenant(:'a');
select tests.claims_of(:'a') as claims \gset

select tests.denied(tests.probe('select count(secret_ciphertext) from public.exchange_credentials', 'authenticated', :'claims'),
  'authenticated cannot select secret_ciphertext');
select tests.denied(tests.probe('select count(wrapped_data_key) from public.exchange_credentials', 'authenticated', :'claims'),
  'authenticated cannot select wrapped_data_key');
select tests.denied(tests.probe('select count(master_key_id) from public.exchange_credentials', 'authenticated', :'claims'),
  'authenticated cannot select master_key_id');
select tests.denied(tests.probe('select count(*) from (select * from public.exchange_credentials) x', 'authenticated', :'claims'),
  'authenticated cannot select * from exchange_credentials');
select is((tests.probe('select count(*) from public.exchange_credentials where has_secret and api_key_last4 = ''wxyz''
    and secret_updated_at is null and created_at <= now()', 'authenticated', :'claims')).row_count,
  1::bigint, 'authenticated reads the presence flag, the last 4 characters and timestamps');
select tests.denied(tests.probe('select count(*) from public.exchange_credentials where secret_ciphertext is not null', 'authenticated', :'claims'),
  'authenticated cannot even filter on the ciphertext');
select is((tests.probe(format(
  'update public.exchange_credentials set secret_ciphertext = %L::bytea, secret_updated_at = now() where user_id = %L',
  sha256('new'::bytea) || sha256('new2'::bytea), :'a'), 'authenticated', :'claims', 'dml')).row_count,
  1::bigint, 'users may replace their secret (write-only)');
select tests.denied(tests.probe(format(
  'update public.exchange_credentials set secret_ciphertext = secret_ciphertext where user_id = %L', :'a'), 'authenticated', :'claims', 'dml'),
  'users cannot copy a ciphertext through an update (reading it is denied)');
select tests.denied(tests.probe('select count(token_hash) from public.api_tokens', 'authenticated', :'claims'),
  'authenticated cannot select api token hashes');
select is((tests.probe('select count(*) from public.api_tokens where token_prefix = ''abcd1234''', 'authenticated', :'claims')).row_count,
  1::bigint, 'authenticated reads its token prefixes');
select tests.denied(tests.probe(format('update public.profiles set is_admin = true where id = %L', :'a'), 'authenticated', :'claims', 'dml'),
  'users cannot make themselves admin');
select is(
  (select count(*) from public.audit_log where entity = 'exchange_credentials' and (payload ? 'secret_ciphertext' or payload ? 'wrapped_data_key'
     or payload::text like '%' || encode(sha256(('k' || substr(replace(:'a', '-', ''), 1, 20))::bytea), 'hex') || '%')),
  0::bigint, 'the audit trail never holds ciphertexts or wrapped keys');

select * from finish();
rollback;
