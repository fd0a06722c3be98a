-- Equity snapshots and positions have no foreign key of their own to auth.users (migration 50): their owner is
-- checked through their bot. Still: a row for another user's bot, or a user that does not exist, is refused, and
-- deleting a user deletes their rows.
begin;
\ir ../helpers/tenancy.psql
select plan(7);

select tests.create_user('a@owner.test') as a \gset
select tests.create_user('b@owner.test') as b \gset
select tests.seed_tenant(:'a');
select tests.seed_tenant(:'b');
select id as bot from public.bots where user_id = :'a' limit 1 \gset
select id as b_bot from public.bots where user_id = :'b' limit 1 \gset

select throws_ok(format($$ insert into public.equity_snapshots (user_id, bot_id, time, equity_quote, cash_quote)
  values (%L, %L, '2030-01-01', 1, 1) $$, :'a', :'b_bot'), '23503',
  'insert or update on table "equity_snapshots" violates foreign key constraint "equity_snapshots_bot_same_user"',
  'an equity point cannot be booked for another user''s bot');
select throws_ok(format($$ insert into public.equity_snapshots (user_id, bot_id, time, equity_quote, cash_quote)
  values (gen_random_uuid(), %L, '2030-01-01', 1, 1) $$, :'bot'), '23503',
  'insert or update on table "equity_snapshots" violates foreign key constraint "equity_snapshots_bot_same_user"',
  'an equity point cannot name a user who does not own the bot (or does not exist)');
select throws_ok(format($$ insert into public.positions (user_id, bot_id, symbol, qty_base, avg_entry_price_quote)
  values (%L, %L, 'ETH-USDT', 1, 100) $$, :'a', :'b_bot'), '23503',
  'insert or update on table "positions" violates foreign key constraint "positions_bot_same_user"',
  'a position cannot be held for another user''s bot');

insert into public.equity_snapshots (user_id, bot_id, time, equity_quote, cash_quote)
  values (:'a', :'bot', '2030-01-01', 1, 1);
insert into public.positions (user_id, bot_id, symbol, qty_base, avg_entry_price_quote)
  values (:'a', :'bot', 'SOL-USDT', 1, 100);
select ok((select count(*) > 0 from public.equity_snapshots where user_id = :'a'), 'user a has equity points');
select ok((select count(*) > 0 from public.positions where user_id = :'a'), 'user a has positions');

delete from auth.users where id = :'a';
select is((select count(*) from public.equity_snapshots where user_id = :'a'), 0::bigint,
  'deleting a user deletes their equity points, through their bots');
select is((select count(*) from public.positions where user_id = :'a'), 0::bigint,
  'deleting a user deletes their positions, through their bots');

select * from finish();
rollback;
