-- Notifications: Telegram link codes are issued by their user (hash only, expiry set by the database), never
-- readable as hashes, never changed by users, consumed once by the service; channel events are a closed list.
begin;
\ir ../helpers/tenancy.psql
select plan(10);

select tests.create_user('a@notifications.test') as a \gset
select tests.claims_of(:'a') as claims \gset

select is((tests.probe(format(
  'insert into public.telegram_link_codes (user_id, code_hash) values (%L, sha256(''code-a''::bytea))', :'a'),
  'authenticated', :'claims', 'dml')).row_count, 1::bigint, 'a user issues a link code (its hash)');
select tests.denied(tests.probe(format(
  'insert into public.telegram_link_codes (user_id, code_hash, expires_at) values (%L, sha256(''c2''::bytea), now() + interval ''1 year'')', :'a'),
  'authenticated', :'claims', 'dml'), 'a user cannot choose the expiry');

-- The rest runs on a code issued for real (the probe above was rolled back).
insert into public.telegram_link_codes (user_id, code_hash) values (:'a', sha256('code-a'::bytea));

select ok((select expires_at between now() + interval '9 minutes' and now() + interval '10 minutes'
           from public.telegram_link_codes where user_id = :'a'), 'a code expires ten minutes after it is issued');
select tests.denied(tests.probe('select count(code_hash) from public.telegram_link_codes', 'authenticated', :'claims'),
  'users cannot read code hashes');
select is((tests.probe('select count(*) from public.telegram_link_codes where used_at is null', 'authenticated', :'claims')).row_count,
  1::bigint, 'users see their unused code');
select tests.denied(tests.probe(format('update public.telegram_link_codes set used_at = now() where user_id = %L', :'a'),
  'authenticated', :'claims', 'dml'), 'users cannot mark a code used');
select throws_ok(
  format('update public.telegram_link_codes set used_at = now() where user_id = %L', :'a'),
  '23514', null, 'a used code names the chat that used it');
select is(
  (select count(*) from public.audit_log where entity = 'telegram_link_codes' and payload ? 'code_hash'),
  0::bigint, 'the audit trail records the code without its hash');
select is(
  (select count(*) from public.audit_log where entity = 'telegram_link_codes' and action = 'telegram_link_code.insert'
     and user_id = :'a'), 1::bigint, 'issuing a code is audited');
select throws_ok(
  format('insert into public.notification_channels (user_id, kind, target, events) values (%L, ''email'', ''a@b.example'', ''{fil}'')', :'a'),
  '23514', null, 'an unknown event name is refused');

select * from finish();
rollback;
