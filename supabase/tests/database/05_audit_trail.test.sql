-- Every order, fill, decision, setting change, key change, kill-switch use and breaker trip lands in audit_log
-- with actor, time, request id and IP — written by the database, whatever code path made the change.
begin;
\ir ../helpers/tenancy.psql
select plan(13);

select tests.create_user('a@audit.test') as a \gset
select tests.seed_tenant(:'a');
select id as bot from public.bots where user_id = :'a' \gset
select client_order_id as coid from public.orders where user_id = :'a' \gset

-- A request as user A, with a request id and an IP, as the data-access package sets them.
select set_config('role', 'authenticated', true), set_config('request.jwt.claims', tests.claims_of(:'a'), true),
  set_config('keel.request_id', 'req-audit-1', true), set_config('keel.client_ip', '198.51.100.7', true) \gset
update public.profiles set settings = '{"theme": "dark"}', risk_tolerance = 'aggressive' where id = :'a';
update public.profiles set kill_switch = true, kill_switch_reason = 'vacation' where id = :'a';
update public.bots set kill_switch = true where id = :'bot';
update public.exchange_credentials set label = 'renamed' where user_id = :'a';
update public.orders set cancel_requested_at = now() where client_order_id = :'coid';
reset role;
-- The worker, as the service: a breaker trip and an order update.
select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{"role": "service_role"}', true),
  set_config('keel.request_id', 'worker-1', true), set_config('keel.client_ip', '', true) \gset
update public.bots set breaker_tripped_at = now(), breaker_reason = 'max drawdown' where id = :'bot';
update public.platform_settings set kill_switch = true, kill_switch_reason = 'exchange outage';
reset role;

select is((select count(*) from public.audit_log where user_id = :'a' and action = 'order.insert'), 1::bigint, 'order placement is audited');
select is((select count(*) from public.audit_log where user_id = :'a' and action = 'fill.insert'), 1::bigint, 'fills are audited');
select is((select count(*) from public.audit_log where user_id = :'a' and action = 'decision.insert' and not payload ? 'rationale'),
  1::bigint, 'decisions are audited (the rationale stays in its record)');
select is((select payload -> 'changed' -> 'settings' ->> 'to' from public.audit_log where user_id = :'a' and action = 'profile.update'),
  '{"theme": "dark"}', 'setting changes are audited with before and after');
select is((select request_id || ' ' || host(ip) || ' ' || actor_id::text || ' ' || actor_role from public.audit_log
           where user_id = :'a' and action = 'profile.update'),
  'req-audit-1 198.51.100.7 ' || :'a' || ' authenticated', 'entries carry request id, IP, actor and role');
select is((select count(*) from public.audit_log where user_id = :'a' and action = 'profile.kill_switch'), 1::bigint,
  'the user kill switch is audited');
select is((select count(*) from public.audit_log where user_id = :'a' and action = 'bot.kill_switch' and entity_id = :'bot'), 1::bigint,
  'the bot kill switch is audited');
select is((select actor_role || ' ' || request_id || ' ' || coalesce(host(ip), 'no ip') from public.audit_log
           where user_id = :'a' and action = 'bot.breaker_trip'), 'service_role worker-1 no ip', 'breaker trips are audited');
select is((select count(*) from public.audit_log where user_id is null and action = 'platform.kill_switch'), 1::bigint,
  'the platform kill switch is audited');
select is((select count(*) from public.audit_log where user_id = :'a' and action = 'exchange_credential.insert'
           and not payload ? 'secret_ciphertext'), 1::bigint, 'keys added are audited without their ciphertext');
select is((select payload -> 'changed' -> 'label' ->> 'to' from public.audit_log where user_id = :'a' and action = 'exchange_credential.update'),
  'renamed', 'key changes are audited');
select is((select count(*) from public.audit_log where user_id = :'a' and action = 'order.update'), 1::bigint, 'order changes are audited');

-- Lease renewals are not events: they leave no audit row.
update public.bots set lease_owner = 'worker-a', lease_expires_at = now() + interval '30 seconds' where id = :'bot';
select is((select count(*) from public.audit_log where entity_id = :'bot' and action = 'bot.update'), 0::bigint,
  'lease renewals do not flood the audit trail');

select * from finish();
rollback;
