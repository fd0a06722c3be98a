-- fills and audit_log are append-only: no update or delete for anyone but the service — not even on your own
-- rows, and not even if a privilege were granted by mistake (a trigger refuses with a message that says why).
begin;
\ir ../helpers/tenancy.psql
select plan(14);

select tests.create_user('a@append.test') as a \gset
select tests.seed_tenant(:'a');
select tests.claims_of(:'a') as claims \gset

select tests.denied(tests.probe(format('update public.fills set qty_base = 2 where user_id = %L', :'a'), 'authenticated', :'claims', 'dml'),
  'a user cannot update their own fills');
select tests.denied(tests.probe(format('delete from public.fills where user_id = %L', :'a'), 'authenticated', :'claims', 'dml'),
  'a user cannot delete their own fills');
select tests.denied(tests.probe('truncate public.fills', 'authenticated', :'claims', 'dml'), 'a user cannot truncate fills');
select tests.denied(tests.probe(format('update public.audit_log set action = ''x.y'' where user_id = %L', :'a'), 'authenticated', :'claims', 'dml'),
  'a user cannot update their own audit trail');
select tests.denied(tests.probe(format('delete from public.audit_log where user_id = %L', :'a'), 'authenticated', :'claims', 'dml'),
  'a user cannot delete their own audit trail');
select tests.denied(tests.probe('insert into public.audit_log (action) values (''auth.login'')', 'authenticated', :'claims', 'dml'),
  'a user cannot forge audit entries');

-- Second lock: even with a privilege granted by mistake, the trigger refuses.
grant update, delete on public.fills, public.audit_log to authenticated;
create policy mistaken_fills on public.fills for all to authenticated using (true);
create policy mistaken_audit on public.audit_log for all to authenticated using (true);
select is((tests.probe(format('update public.fills set qty_base = 2 where user_id = %L', :'a'), 'authenticated', :'claims', 'dml')).message,
  'fills is append-only: its rows are never updated or deleted', 'the fills trigger refuses updates with a clear message');
select is((tests.probe(format('delete from public.fills where user_id = %L', :'a'), 'authenticated', :'claims', 'dml')).sqlstate,
  '42501', 'the fills trigger refuses deletes');
select is((tests.probe(format('update public.audit_log set action = ''x.y'' where user_id = %L', :'a'), 'authenticated', :'claims', 'dml')).message,
  'audit_log is append-only: its rows are never updated or deleted', 'the audit_log trigger refuses updates');
select is((tests.probe(format('delete from public.audit_log where user_id = %L', :'a'), 'authenticated', :'claims', 'dml')).sqlstate,
  '42501', 'the audit_log trigger refuses deletes');

-- The service may correct and purge.
select is((tests.probe(format('update public.fills set fee_quote = 0.02 where user_id = %L', :'a'), 'service_role', '{"role": "service_role"}', 'dml')).row_count,
  1::bigint, 'the service role may correct a fill');
select ok((tests.probe(format('delete from public.audit_log where user_id = %L', :'a'), 'service_role', '{"role": "service_role"}', 'dml')).row_count > 0,
  'the service role may purge audit entries');

-- Users may still append.
select is((tests.probe(format(
  'insert into public.fills (user_id, bot_id, client_order_id, symbol, side, trade_id, time, price_quote, qty_base, fee_quote, liquidity)
   select user_id, bot_id, client_order_id, symbol, side, ''t2'', now(), 101, 0.25, 0, ''maker'' from public.fills where user_id = %L',
  :'a'), 'authenticated', :'claims', 'dml')).row_count, 1::bigint, 'a user may append a fill to their own order');
select is((tests.probe(format(
  'insert into public.fills (user_id, bot_id, client_order_id, symbol, side, trade_id, time, price_quote, qty_base, fee_quote, liquidity)
   select user_id, bot_id, client_order_id, symbol, side, ''t1'', now(), 101, 0.25, 0, ''maker'' from public.fills where user_id = %L',
  :'a'), 'authenticated', :'claims', 'dml')).message,
  'duplicate key value violates unique constraint "fills_trade_key"', 'the same trade reported twice is refused, not double-counted');

select * from finish();
rollback;
