-- The warm candle tier (migration …30_market_data): public to signed-in readers, written by the service only,
-- impossible bars refused, one row per market and open time, and retention that deletes only what is past the
-- window. The table × verb matrix of 01 covers its RLS for every verb; this file covers what is particular to it.
begin;
\ir ../helpers/tenancy.psql
select plan(17);

select tests.create_user('a@market.test') as a \gset

set local role service_role;
insert into public.candles (symbol, timeframe, open_time, open, high, low, close, volume) values
  ('ETH-USDT', '1h', now() - interval '40 days', 10, 12, 9, 11, 1),
  ('ETH-USDT', '1h', now() - interval '29 days', 11, 13, 10, 12, 1),
  ('ETH-USDT', '1h', now() - interval '1 hour', 12, 14, 11, 13, 1),
  ('ETH-USDT', '1m', now() - interval '31 days', 12, 14, 11, 13, 1),
  ('ETH-USDT', '1m', now() - interval '1 minute', 12, 14, 11, 13, 1),
  ('BTC-USDT', '1h', '2018-01-01T00:00:00Z', 12, 14, 11, 13, 1),
  ('BTC-USDT', '1h', '2018-03-01T00:00:00Z', 12, 14, 11, 13, 1);
reset role;

prepare add_candle(text, text, numeric, numeric, numeric, numeric, numeric) as
  insert into public.candles (symbol, timeframe, open_time, open, high, low, close, volume)
  values ($1, $2, date_trunc('hour', now()) - interval '2 hours', $3, $4, $5, $6, $7);

select lives_ok($$ execute add_candle('SOL-USDT', '1h', 100, 110, 90, 105, 0) $$, 'a sound bar is stored');
select throws_ok($$ execute add_candle('SOL-USDT', '1h', 100, 110, 90, 105, 0) $$, '23505',
  'duplicate key value violates unique constraint "candles_pkey"', 'one row per market and open time');
select throws_ok($$ execute add_candle('sol', '1h', 100, 110, 90, 105, 0) $$, '23514',
  'new row for relation "candles" violates check constraint "candles_symbol_valid"', 'a malformed symbol is refused');
select throws_ok($$ execute add_candle('SOL-USDT', '7h', 100, 110, 90, 105, 0) $$, '23514',
  'new row for relation "candles" violates check constraint "candles_timeframe_valid"', 'an unknown timeframe is refused');
select throws_ok($$ execute add_candle('ADA-USDT', '1h', 100, 95, 90, 105, 0) $$, '23514',
  'new row for relation "candles" violates check constraint "candles_range_holds_open_close"',
  'a high below the close is refused');
select throws_ok($$ execute add_candle('ADA-USDT', '1h', 100, 110, 101, 105, 0) $$, '23514',
  'new row for relation "candles" violates check constraint "candles_range_holds_open_close"',
  'a low above the open is refused');
select throws_ok($$ execute add_candle('ADA-USDT', '1h', 0, 110, 0, 105, 0) $$, '23514',
  'new row for relation "candles" violates check constraint "candles_prices_positive"', 'a zero price is refused');
select throws_ok($$ execute add_candle('ADA-USDT', '1h', 100, 110, 90, 105, -1) $$, '23514',
  'new row for relation "candles" violates check constraint "candles_volume_non_negative"',
  'a negative volume is refused');

select is((tests.probe($$ select count(*) from public.candles where symbol = 'ETH-USDT' $$, 'authenticated',
  tests.claims_of(:'a'))).row_count, 5::bigint, 'a signed-in user reads every market''s candles');
select tests.denied(tests.probe($$ insert into public.candles (symbol, timeframe, open_time, open, high, low, close, volume)
  values ('XRP-USDT', '1h', now(), 1, 1, 1, 1, 1) $$, 'authenticated', tests.claims_of(:'a'), 'dml'),
  'a user cannot write market data');
select tests.refused(tests.probe($$ select count(*) from public.candles $$, 'anon', '{"role": "anon"}'),
  'anon reads no candles');
select tests.denied(tests.probe($$ select keel.prune_candles() $$, 'authenticated', tests.claims_of(:'a')),
  'a user cannot run the retention');

set local role service_role;
select throws_ok($$ select keel.prune_candles(interval '5 minutes') $$, '22023',
  'keep must be at least 1 hour, got 00:05:00', 'a retention window under an hour is refused');
select is(keel.prune_candles(), 3::bigint,
  'retention deletes the candles opened more than 30 days before their market''s newest candle');
select is(array(select timeframe || ' ' || (now() - open_time > interval '28 days') from public.candles
  where symbol = 'ETH-USDT' order by open_time), array['1h true', '1h false', '1m false'],
  'and keeps the ones inside the window');
select is(array(select open_time from public.candles where symbol = 'BTC-USDT'),
  array['2018-03-01T00:00:00Z'::timestamptz], 'a market replayed from history keeps its latest 30 days');
select is(keel.prune_candles(), 0::bigint, 'retention run again deletes nothing');
reset role;

select * from finish();
rollback;
