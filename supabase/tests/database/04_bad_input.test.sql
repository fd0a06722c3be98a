-- Bad data is impossible: the database itself refuses it, with an error that names the rule broken.
begin;
\ir ../helpers/tenancy.psql
select plan(24);

select tests.create_user('a@input.test') as a \gset
select tests.create_user('b@input.test') as b \gset
select tests.seed_tenant(:'a');
select tests.seed_tenant(:'b');
select id as bot from public.bots where user_id = :'a' \gset
select id as b_bot from public.bots where user_id = :'b' \gset
select client_order_id as coid from public.orders where user_id = :'a' \gset

prepare place_order(text, text, text, numeric, numeric, numeric) as
  insert into public.orders (user_id, bot_id, client_order_id, symbol, side, type, qty_base, limit_price, stop_price, reason)
  values (:'a', :'bot', 'bad-' || md5(random()::text), 'BTC-USDT', $1::public.order_side, $2::public.order_type, $4, $5, $6, $3);

select throws_ok($$ execute place_order('hold', 'market', 'r', 1, null, null) $$, '22P02',
  'invalid input value for enum order_side: "hold"', 'an unknown side is refused');
select throws_ok($$ execute place_order('buy', 'iceberg', 'r', 1, null, null) $$, '22P02',
  'invalid input value for enum order_type: "iceberg"', 'an unknown order type is refused');
select throws_ok($$ execute place_order('buy', 'market', 'r', -1, null, null) $$, '23514',
  'new row for relation "orders" violates check constraint "orders_qty_base_positive"', 'a negative quantity is refused');
select throws_ok($$ execute place_order('buy', 'market', 'r', 0, null, null) $$, '23514',
  'new row for relation "orders" violates check constraint "orders_qty_base_positive"', 'a zero quantity is refused');
select throws_ok($$ execute place_order('buy', 'limit', 'r', 1, null, null) $$, '23514',
  'new row for relation "orders" violates check constraint "orders_limit_price_iff_limit"', 'a limit order needs a limit price');
select throws_ok($$ execute place_order('buy', 'market', 'r', 1, 100, null) $$, '23514',
  'new row for relation "orders" violates check constraint "orders_limit_price_iff_limit"', 'a market order takes no limit price');
select throws_ok($$ execute place_order('buy', 'stop', 'r', 1, null, -5) $$, '23514',
  'new row for relation "orders" violates check constraint "orders_stop_price_positive"', 'a negative stop price is refused');
select throws_ok($$ execute place_order('buy', 'market', 'r', null, null, null) $$, '23514',
  'new row for relation "orders" violates check constraint "orders_size_exactly_one"', 'an order needs a size');
select throws_ok(format($$ insert into public.orders (user_id, bot_id, client_order_id, symbol, side, type, qty_base, reason)
  values (%L, %L, %L, 'BTC-USDT', 'buy', 'market', 1, 'again') $$, :'a', :'bot', :'coid'), '23505',
  'duplicate key value violates unique constraint "orders_client_order_id_key"', 'a duplicate client order id is refused');
select throws_ok(format($$ insert into public.orders (user_id, bot_id, client_order_id, symbol, side, type, qty_base, reason)
  values (%L, %L, 'has spaces', 'BTC-USDT', 'buy', 'market', 1, 'r') $$, :'a', :'bot'), '23514',
  'new row for relation "orders" violates check constraint "orders_client_order_id_format"', 'a malformed client order id is refused');
select throws_ok(format($$ insert into public.orders (user_id, bot_id, client_order_id, symbol, side, type, qty_base, reason)
  values (%L, %L, 'sym-1', 'btcusdt', 'buy', 'market', 1, 'r') $$, :'a', :'bot'), '23514',
  'new row for relation "orders" violates check constraint "orders_symbol_valid"', 'a malformed symbol is refused');
select throws_ok(format($$ insert into public.orders (user_id, bot_id, client_order_id, symbol, side, type, quote_qty, reason)
  values (%L, %L, 'qq-1', 'BTC-USDT', 'sell', 'market', 100, 'r') $$, :'a', :'bot'), '23514',
  'new row for relation "orders" violates check constraint "orders_quote_qty_market_buy_only"', 'a quote quantity is for market buys only');
-- Cross-tenant references are impossible even for a caller that bypasses RLS: references are (id, user_id).
select throws_ok(format($$ insert into public.orders (user_id, bot_id, client_order_id, symbol, side, type, qty_base, reason)
  values (%L, %L, 'x-tenant', 'BTC-USDT', 'buy', 'market', 1, 'r') $$, :'a', :'b_bot'), '23503',
  'insert or update on table "orders" violates foreign key constraint "orders_bot_same_user"', 'an order cannot point at another user''s bot');

-- Fills must match their order.
select throws_ok(format($$ insert into public.fills (user_id, bot_id, client_order_id, symbol, side, trade_id, time, price_quote, qty_base, liquidity)
  values (%L, %L, %L, 'BTC-USDT', 'sell', 't9', now(), 100, 1, 'taker') $$, :'a', :'bot', :'coid'), '23503',
  'insert or update on table "fills" violates foreign key constraint "fills_order_matches"', 'a fill on the wrong side of its order is refused');
select throws_ok(format($$ insert into public.fills (user_id, bot_id, client_order_id, symbol, side, trade_id, time, price_quote, qty_base, liquidity)
  values (%L, %L, %L, 'BTC-USDT', 'buy', 't9', now(), 100, -1, 'taker') $$, :'a', :'bot', :'coid'), '23514',
  'new row for relation "fills" violates check constraint "fills_qty_positive"', 'a negative fill quantity is refused');
select throws_ok(format($$ insert into public.fills (user_id, bot_id, client_order_id, symbol, side, trade_id, time, price_quote, qty_base, liquidity)
  values (%L, %L, %L, 'BTC-USDT', 'buy', 't9', now(), 100, 1, 'both') $$, :'a', :'bot', :'coid'), '22P02',
  'invalid input value for enum liquidity: "both"', 'an unknown liquidity is refused');

-- Orders move forward only.
update public.orders set status = 'filled', filled_qty_base = 1 where client_order_id = :'coid';
select throws_ok(format($$ update public.orders set status = 'open' where client_order_id = %L $$, :'coid'), '23514',
  format('order %s: status cannot go from filled to open', :'coid'), 'a filled order cannot reopen');
select throws_ok(format($$ update public.orders set filled_qty_base = 0.5 where client_order_id = %L $$, :'coid'), '23514',
  format('order %s: filled amounts never decrease', :'coid'), 'filled amounts never decrease');
select throws_ok(format($$ update public.orders set qty_base = 2 where client_order_id = %L $$, :'coid'), '23514',
  format('order %s: only its status, exchange order id, filled amounts and timestamps may change', :'coid'),
  'what was ordered never changes');
select throws_ok(format($$ update public.orders set filled_qty_base = 5 where client_order_id = %L $$, :'coid'), '23514',
  'new row for relation "orders" violates check constraint "orders_unfilled_qty_not_negative"', 'an order cannot fill beyond its quantity');

-- Bots and decisions.
select throws_ok(format($$ insert into public.bots (user_id, name, exchange, symbols, timeframe) values (%L, 'tf', 'binance', '{BTC-USDT}', '7m') $$, :'a'),
  '23514', 'new row for relation "bots" violates check constraint "bots_timeframe_valid"', 'an unknown timeframe is refused');
select throws_ok(format($$ insert into public.bots (user_id, name, exchange, symbols, timeframe, mode) values (%L, 'live', 'binance', '{BTC-USDT}', '1h', 'live') $$, :'a'),
  '23514', 'new row for relation "bots" violates check constraint "bots_live_needs_credential"', 'a live bot needs exchange keys');
select throws_ok(format($$ insert into public.bots (user_id, name, exchange, symbols, timeframe) values (%L, 'dup', 'binance', '{BTC-USDT,BTC-USDT}', '1h') $$, :'a'),
  '23514', 'new row for relation "bots" violates check constraint "bots_symbols_valid"', 'duplicate symbols are refused');
select throws_ok(format($$ insert into public.decisions (user_id, bot_id, time, symbol, action, confidence, rationale)
  values (%L, %L, now(), 'BTC-USDT', 'buy', 1.5, '{}') $$, :'a', :'bot'), '23514',
  'new row for relation "decisions" violates check constraint "decisions_confidence_range"', 'a confidence above 1 is refused');

select * from finish();
rollback;
