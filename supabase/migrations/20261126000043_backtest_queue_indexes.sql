-- Every worker asks the backtest queue every 2 s (worker/src/backtests/backtest-queue.ts): the oldest queued backtest
-- (backtests.startNext) and the running ones whose heartbeat went silent (backtests.requeueSilent). Without an index
-- on status both read the whole table, which keeps every backtest ever run. These partial indexes hold only the few
-- rows waiting or running, so each question costs the same however long the history grows.
create index backtests_queued_idx on public.backtests (created_at, id) where status = 'queued';
create index backtests_running_idx on public.backtests (updated_at) where status = 'running';
