-- Demo data for local development (`keel db seed`, or `supabase db reset`): one user with a paper bot.
-- Idempotent. Never loaded by the tests or in production.
insert into auth.users (id, email)
values ('00000000-0000-4000-8000-00000000d3e0', 'demo@keel.local')
on conflict (id) do nothing;

update public.profiles set display_name = 'Demo trader', risk_tolerance = 'moderate'
where id = '00000000-0000-4000-8000-00000000d3e0' and display_name is null;

insert into public.bots (user_id, name, exchange, symbols, timeframe, mode, agents, risk_limits)
values ('00000000-0000-4000-8000-00000000d3e0', 'Demo SMA cross', 'binance', '{BTC-USDT,ETH-USDT}', '1h', 'paper',
  '[{"name": "sma-cross", "fast": 10, "slow": 30}]', '{"maxPositionFraction": 0.25, "maxDrawdownFraction": 0.2}')
on conflict (user_id, name) do nothing;
