-- The warm tier of market data: closed candles at full resolution for the last 30 days, written once per market by
-- the worker (not once per bot) and read by the dashboard's candle chart through GET /v1/candles. Older candles
-- live in the cold tier (InfluxDB); keel.prune_candles() keeps this table to its window.
--
-- Market data is public: no owner column. Every signed-in user may read it; only the service writes it. The table
-- is declared shared in supabase/tests/helpers/tenancy.psql, so the table × verb matrix checks exactly that.

create table public.candles (
  symbol text not null constraint candles_symbol_valid check (keel.is_symbol(symbol)),
  timeframe text not null constraint candles_timeframe_valid
    check (timeframe in ('1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '1w')),
  open_time timestamptz not null,
  open numeric(38, 18) not null,
  high numeric(38, 18) not null,
  low numeric(38, 18) not null,
  close numeric(38, 18) not null,
  volume numeric(38, 18) not null constraint candles_volume_non_negative check (volume >= 0),
  -- A candle's range holds its open and close, and prices are positive: a feed bug cannot store an impossible bar.
  constraint candles_prices_positive check (low > 0),
  constraint candles_range_holds_open_close check (high >= greatest(open, close) and low <= least(open, close)),
  -- The primary key is also the range read's index: one market, oldest to newest.
  constraint candles_pkey primary key (symbol, timeframe, open_time)
);
-- Retention deletes by age across markets.
create index candles_open_time_idx on public.candles (open_time);

alter table public.candles enable row level security;
alter table public.candles force row level security;
revoke all on public.candles from anon, authenticated;
grant select on public.candles to authenticated;
grant select, insert, update, delete on public.candles to service_role;
create policy candles_select_signed_in on public.candles for select to authenticated
  using ((select auth.uid()) is not null);

-- Retention: deletes the candles opened before `keep` ago and returns how many. The worker calls it as
-- service_role (hourly, see worker/src/market/candle-recorder.ts); the warm tier's window is 30 days (issue #7).
create function keel.prune_candles(keep interval default interval '30 days') returns bigint
language plpgsql security invoker set search_path = '' as $$
declare
  deleted bigint;
begin
  if keep < interval '1 hour' then
    raise exception 'keep must be at least 1 hour, got %', keep using errcode = '22023';
  end if;
  -- The window ends at each market's newest candle, not at now(): a live market's newest candle is now, and a
  -- market replayed from history keeps its latest month for the charts instead of losing everything.
  delete from public.candles c
  using (select symbol, timeframe, max(open_time) as newest from public.candles group by symbol, timeframe) m
  where c.symbol = m.symbol and c.timeframe = m.timeframe and c.open_time < m.newest - keep;
  get diagnostics deleted = row_count;
  return deleted;
end $$;
revoke all on function keel.prune_candles(interval) from public;
grant execute on function keel.prune_candles(interval) to service_role;
