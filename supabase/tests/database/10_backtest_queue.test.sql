-- The backtest queue's two questions, asked by every worker every 2 s, are answered from partial indexes that hold
-- only the rows waiting or running (migration 20261126000043), not from a scan of every backtest ever run.
begin;
\ir ../helpers/tenancy.psql
select plan(4);

select tests.create_user('queue@backtests.test') as u \gset
insert into public.backtests (user_id, status, params)
select :'u', 'succeeded', '{}'::jsonb from generate_series(1, 5000);
insert into public.backtests (user_id, params) values (:'u', '{}'::jsonb);
analyze public.backtests;

select has_index('public', 'backtests', 'backtests_queued_idx', 'queued backtests are indexed by age');
select has_index('public', 'backtests', 'backtests_running_idx', 'running backtests are indexed by heartbeat');

create function pg_temp.plan_of(query text) returns text language plpgsql as $$
declare
  line text;
  plan text := '';
begin
  for line in execute 'explain ' || query loop
    plan := plan || line || E'\n';
  end loop;
  return plan;
end $$;

select ok(
  pg_temp.plan_of($q$select id from public.backtests where status = 'queued' order by created_at, id limit 1
    for update skip locked$q$) like '%backtests_queued_idx%',
  'the oldest queued backtest is found through backtests_queued_idx');
select ok(
  pg_temp.plan_of($q$select id from public.backtests
    where status = 'running' and updated_at < now() - interval '60 seconds'$q$) like '%backtests_running_idx%',
  'silent running backtests are found through backtests_running_idx');

select * from finish();
rollback;
