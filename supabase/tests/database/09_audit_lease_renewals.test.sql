-- A worker's lease heartbeat is not an event of a bot's trail: the audit trigger drops rows changed only in hidden
-- columns (lease_owner, lease_expires_at, and updated_at which every update bumps) before building any jsonb
-- (migration 20261126000042). Every other change to a bot is audited as before, in the same statement or not.
-- Each step runs under a request id of its own, so its audit rows are counted by it.
begin;
\ir ../helpers/tenancy.psql
select plan(13);

select tests.create_user('a@lease.test') as a \gset
select tests.seed_tenant(:'a');

select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{"role": "service_role"}', true) \gset
insert into public.bots (user_id, name, exchange, symbols, timeframe, desired_state)
select :'a', 'lease-' || n, 'binance', '{BTC-USDT}', '1h', 'running' from generate_series(1, 3) n;
reset role;
-- An hour-old updated_at, so the lease updates below really change it (now() is fixed within this transaction).
alter table public.bots disable trigger bots_touch;
update public.bots set updated_at = now() - interval '1 hour' where name like 'lease-%';
alter table public.bots enable trigger bots_touch;
select id as bot1 from public.bots where name = 'lease-1' \gset
select id as bot2 from public.bots where name = 'lease-2' \gset

create function pg_temp.audited(request text) returns bigint language sql as $$
  select count(*) from public.audit_log where request_id = request
$$;
create function pg_temp.as_worker(request text) returns void language sql as $$
  select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{"role": "service_role"}', true),
    set_config('keel.request_id', request, true);
$$;

-- claimLeases: lease_owner and lease_expires_at set.
select pg_temp.as_worker('claim');
update public.bots set lease_owner = 'worker-a', lease_expires_at = now() + interval '30 seconds'
where name like 'lease-%';
reset role;
select is(pg_temp.audited('claim'), 0::bigint, 'claiming leases writes no audit row');
select ok((select bool_and(updated_at = now()) from public.bots where name like 'lease-%'),
  'the lease updates bump updated_at (so they are rows changed in hidden columns only)');

-- renewLeases: lease_expires_at alone.
select pg_temp.as_worker('renew');
update public.bots set lease_expires_at = now() + interval '60 seconds' where lease_owner = 'worker-a';
reset role;
select is(pg_temp.audited('renew'), 0::bigint, 'renewing leases writes no audit row');

-- A visible column set to the value it has: no change, no row (as before).
select pg_temp.as_worker('same-value');
update public.bots set desired_state = 'running', lease_expires_at = now() + interval '90 seconds'
where lease_owner = 'worker-a';
reset role;
select is(pg_temp.audited('same-value'), 0::bigint, 'a column set to its own value writes no audit row');

-- A desired state change: audited exactly as before, the lease and updated_at out of it.
select set_config('role', 'authenticated', true), set_config('request.jwt.claims', tests.claims_of(:'a'), true),
  set_config('keel.request_id', 'desired', true) \gset
update public.bots set desired_state = 'paused' where id = :'bot1';
reset role;
select is((select array_agg(action || ' ' || entity_id || ' ' || payload::text) from public.audit_log
           where request_id = 'desired'),
  array['bot.update ' || :'bot1' || ' {"changed": {"desired_state": {"to": "paused", "from": "running"}}}'],
  'a desired state change is audited with before and after');

-- A claim that also reports the state (releaseLeases with a report does both): the state change is audited.
select pg_temp.as_worker('claim-and-state');
update public.bots set lease_owner = 'worker-b', lease_expires_at = now() + interval '30 seconds', state = 'starting'
where id = :'bot2';
reset role;
select is((select array_agg(action || ' ' || entity_id || ' ' || payload::text) from public.audit_log
           where request_id = 'claim-and-state'),
  array['bot.update ' || :'bot2' || ' {"changed": {"state": {"to": "starting", "from": "stopped"}}}'],
  'a claim that also changes the state is audited, the lease left out');

-- One statement over three bots: two only renewed, one reported: one row, for that bot.
select pg_temp.as_worker('mixed');
update public.bots set lease_expires_at = now() + interval '120 seconds',
  state = case when id = :'bot1' then 'running'::public.bot_state else state end
where name like 'lease-%';
reset role;
select is((select array_agg(entity_id) from public.audit_log where request_id = 'mixed'), array[:'bot1'::text],
  'in a statement renewing many leases, the bots whose state changed are audited, only they');

-- A kill switch engaged in the same statement as a renewal keeps its own action.
select pg_temp.as_worker('kill');
update public.bots set kill_switch = true, lease_expires_at = now() + interval '150 seconds' where id = :'bot2';
reset role;
select is((select array_agg(action) from public.audit_log where request_id = 'kill'), array['bot.kill_switch'],
  'a kill switch engaged along with a renewal is audited as bot.kill_switch');

-- A lease release (lease columns to null).
select pg_temp.as_worker('release');
update public.bots set lease_owner = null, lease_expires_at = null where name like 'lease-%';
reset role;
select is(pg_temp.audited('release'), 0::bigint, 'releasing leases writes no audit row');

-- Other tables keep their own hidden columns: a re-encrypted key is no event, a renamed one is.
select pg_temp.as_worker('rewrap');
update public.exchange_credentials set secret_ciphertext = sha256(secret_ciphertext) || sha256('rewrapped')
where user_id = :'a';
reset role;
select is(pg_temp.audited('rewrap'), 0::bigint, 'rewrapping a key (hidden columns only) writes no audit row');
select pg_temp.as_worker('rename');
update public.exchange_credentials set label = 'renamed', secret_ciphertext = sha256(secret_ciphertext) || sha256('x')
where user_id = :'a';
reset role;
select is((select payload::text from public.audit_log where request_id = 'rename'),
  '{"changed": {"label": {"to": "renamed", "from": "main"}}}', 'renaming a key is audited, without its ciphertext');

select ok((select proconfig @> array['plan_cache_mode=force_custom_plan', 'jit=off'] from pg_proc
           where oid = 'keel.audit_changes()'::regprocedure),
  'the audit function plans each statement for its own rows, without JIT');

-- The blanking lays a null over each hidden column: a domain type could refuse it and fail the update itself.
select is_empty($$
  select t.tgrelid::regclass || '.' || a.attname
  from pg_trigger t
  cross join lateral unnest((string_to_array(encode(t.tgargs, 'escape'), '\000'))[3:] || array['updated_at']) h
  join pg_attribute a on a.attrelid = t.tgrelid and a.attname = h
  join pg_type ty on ty.oid = a.atttypid
  where t.tgfoid = 'keel.audit_changes()'::regprocedure and ty.typtype = 'd'
$$, 'no audited table hides a column of a domain type');

select * from finish();
rollback;
