-- Tenancy is enforced here, not in application code: row-level security is enabled and forced on every table, and
-- privileges are granted per column. A user (role authenticated, JWT subject auth.uid()) reads and writes only
-- their own rows; anon gets nothing; service_role (BYPASSRLS) is the worker's and the admin's explicit path.
-- Policies use (select auth.uid()) so the claim is read once per statement, not once per row.

-- Start from nothing: hosted Supabase's default privileges grant every new table in public to anon and
-- authenticated, which is the opposite of what these tables need.
revoke all on all tables in schema public from anon, authenticated, service_role;
grant select, insert, update, delete on all tables in schema public to service_role;

do $$
declare
  target text;
begin
  foreach target in array array[
    'profiles', 'platform_settings', 'exchange_credentials', 'bots', 'decisions', 'orders', 'fills', 'positions',
    'equity_snapshots', 'audit_log', 'notification_channels', 'api_tokens', 'ip_allowlist', 'backtests', 'models'
  ] loop
    execute format('alter table public.%I enable row level security', target);
    execute format('alter table public.%I force row level security', target);
  end loop;
end $$;

-- profiles: read your own; change your preferences and kill switch, never is_admin.
grant select on public.profiles to authenticated;
grant update (display_name, risk_tolerance, settings, kill_switch, kill_switch_reason) on public.profiles to authenticated;
create policy profiles_select_own on public.profiles for select to authenticated
  using (id = (select auth.uid()));
create policy profiles_update_own on public.profiles for update to authenticated
  using (id = (select auth.uid())) with check (id = (select auth.uid()));

-- platform_settings: every signed-in user may read the platform's kill switch; only the service writes it.
grant select on public.platform_settings to authenticated;
create policy platform_settings_select_signed_in on public.platform_settings for select to authenticated
  using ((select auth.uid()) is not null);

-- exchange_credentials: the secret columns are write-only for users; what they may read is the presence flag,
-- the last 4 characters of the API key and timestamps.
grant select (id, user_id, exchange, label, api_key_last4, has_secret, secret_updated_at, last_used_at, created_at, updated_at)
  on public.exchange_credentials to authenticated;
grant insert (id, user_id, exchange, label, api_key_last4, secret_ciphertext, wrapped_data_key, master_key_id, secret_updated_at)
  on public.exchange_credentials to authenticated;
grant update (label, api_key_last4, secret_ciphertext, wrapped_data_key, master_key_id, secret_updated_at)
  on public.exchange_credentials to authenticated;
grant delete on public.exchange_credentials to authenticated;
create policy exchange_credentials_select_own on public.exchange_credentials for select to authenticated
  using (user_id = (select auth.uid()));
create policy exchange_credentials_insert_own on public.exchange_credentials for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy exchange_credentials_update_own on public.exchange_credentials for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy exchange_credentials_delete_own on public.exchange_credentials for delete to authenticated
  using (user_id = (select auth.uid()));

-- bots: configuration and the bot's kill switch are the user's; state, breaker and leases are the worker's.
grant select on public.bots to authenticated;
grant insert (id, user_id, name, exchange, exchange_credential_id, symbols, timeframe, mode, agents, risk_limits,
  paper_starting_cash_quote, desired_state) on public.bots to authenticated;
grant update (name, exchange, exchange_credential_id, symbols, timeframe, mode, agents, risk_limits, paper_starting_cash_quote,
  desired_state, kill_switch, kill_switch_reason) on public.bots to authenticated;
grant delete on public.bots to authenticated;
create policy bots_select_own on public.bots for select to authenticated
  using (user_id = (select auth.uid()));
create policy bots_insert_own on public.bots for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy bots_update_own on public.bots for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy bots_delete_own on public.bots for delete to authenticated
  using (user_id = (select auth.uid()));

-- decisions: append-only records; users may write their own (the embedded pipeline runs as the user).
grant select on public.decisions to authenticated;
grant insert (user_id, bot_id, time, symbol, action, confidence, rationale) on public.decisions to authenticated;
create policy decisions_select_own on public.decisions for select to authenticated
  using (user_id = (select auth.uid()));
create policy decisions_insert_own on public.decisions for insert to authenticated
  with check (user_id = (select auth.uid()));

-- orders: users may place (manual orders) and ask to cancel; status and fills are the worker's.
grant select on public.orders to authenticated;
grant insert (id, user_id, bot_id, client_order_id, symbol, side, type, qty_base, quote_qty, limit_price, stop_price,
  reason, decision_id) on public.orders to authenticated;
grant update (cancel_requested_at) on public.orders to authenticated;
create policy orders_select_own on public.orders for select to authenticated
  using (user_id = (select auth.uid()));
create policy orders_insert_own on public.orders for insert to authenticated
  with check (user_id = (select auth.uid()) and status = 'pending');
create policy orders_update_own on public.orders for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));

-- fills: append-only; no update or delete for anyone but the service (privileges here, a trigger in the audit
-- migration as a second lock).
grant select on public.fills to authenticated;
grant insert (user_id, bot_id, client_order_id, symbol, side, trade_id, time, price_quote, qty_base, fee_quote, liquidity)
  on public.fills to authenticated;
create policy fills_select_own on public.fills for select to authenticated
  using (user_id = (select auth.uid()));
create policy fills_insert_own on public.fills for insert to authenticated
  with check (user_id = (select auth.uid()));

-- positions and equity: derived by the worker, read by the user.
grant select on public.positions to authenticated;
create policy positions_select_own on public.positions for select to authenticated
  using (user_id = (select auth.uid()));
grant select on public.equity_snapshots to authenticated;
create policy equity_snapshots_select_own on public.equity_snapshots for select to authenticated
  using (user_id = (select auth.uid()));

-- audit_log: users read their own trail; it is written by triggers and the service only, and never changed.
grant select on public.audit_log to authenticated;
create policy audit_log_select_own on public.audit_log for select to authenticated
  using (user_id = (select auth.uid()));

grant select on public.notification_channels to authenticated;
grant insert (id, user_id, kind, target, enabled, events) on public.notification_channels to authenticated;
grant update (enabled, events) on public.notification_channels to authenticated;
grant delete on public.notification_channels to authenticated;
create policy notification_channels_select_own on public.notification_channels for select to authenticated
  using (user_id = (select auth.uid()));
create policy notification_channels_insert_own on public.notification_channels for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy notification_channels_update_own on public.notification_channels for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy notification_channels_delete_own on public.notification_channels for delete to authenticated
  using (user_id = (select auth.uid()));

-- api_tokens: the hash is never readable by users.
grant select (id, user_id, name, token_prefix, scopes, expires_at, last_used_at, revoked_at, created_at)
  on public.api_tokens to authenticated;
grant insert (id, user_id, name, token_hash, token_prefix, scopes, expires_at) on public.api_tokens to authenticated;
grant update (name, revoked_at) on public.api_tokens to authenticated;
grant delete on public.api_tokens to authenticated;
create policy api_tokens_select_own on public.api_tokens for select to authenticated
  using (user_id = (select auth.uid()));
create policy api_tokens_insert_own on public.api_tokens for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy api_tokens_update_own on public.api_tokens for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy api_tokens_delete_own on public.api_tokens for delete to authenticated
  using (user_id = (select auth.uid()));

grant select on public.ip_allowlist to authenticated;
grant insert (id, user_id, cidr, label) on public.ip_allowlist to authenticated;
grant update (label) on public.ip_allowlist to authenticated;
grant delete on public.ip_allowlist to authenticated;
create policy ip_allowlist_select_own on public.ip_allowlist for select to authenticated
  using (user_id = (select auth.uid()));
create policy ip_allowlist_insert_own on public.ip_allowlist for insert to authenticated
  with check (user_id = (select auth.uid()));
create policy ip_allowlist_update_own on public.ip_allowlist for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()));
create policy ip_allowlist_delete_own on public.ip_allowlist for delete to authenticated
  using (user_id = (select auth.uid()));

-- backtests: users queue and cancel theirs; the worker runs them and writes results.
grant select on public.backtests to authenticated;
grant insert (id, user_id, bot_id, params) on public.backtests to authenticated;
grant update (status) on public.backtests to authenticated;
grant delete on public.backtests to authenticated;
create policy backtests_select_own on public.backtests for select to authenticated
  using (user_id = (select auth.uid()));
create policy backtests_insert_own on public.backtests for insert to authenticated
  with check (user_id = (select auth.uid()) and status = 'queued');
create policy backtests_cancel_own on public.backtests for update to authenticated
  using (user_id = (select auth.uid())) with check (user_id = (select auth.uid()) and status = 'cancelled');
create policy backtests_delete_own on public.backtests for delete to authenticated
  using (user_id = (select auth.uid()));

-- models: trained and registered by the service; users see and delete theirs.
grant select on public.models to authenticated;
grant delete on public.models to authenticated;
create policy models_select_own on public.models for select to authenticated
  using (user_id = (select auth.uid()));
create policy models_delete_own on public.models for delete to authenticated
  using (user_id = (select auth.uid()));
