-- Keel's tables. Every tenant row carries user_id (profiles: id) referencing auth.users; references between tenant
-- tables are composite (…, user_id), because foreign-key checks bypass row-level security: a plain bot_id
-- reference would let user A attach an order to user B's bot. Money is numeric(38,18), exact like the core's
-- ledger (18 decimals), never float. Every constraint is named after the rule it enforces, so the error that
-- rejects bad data says what is wrong.

-- Vocabulary --------------------------------------------------------------------------------------------------------

create type public.order_side as enum ('buy', 'sell');
create type public.order_type as enum ('market', 'limit', 'stop');
-- pending: persisted, not yet acknowledged by the venue ("persist, then send"); the rest as the core's OrderStatus.
create type public.order_status as enum ('pending', 'open', 'partially_filled', 'filled', 'cancelled', 'rejected');
create type public.liquidity as enum ('maker', 'taker');
create type public.bot_mode as enum ('paper', 'live');
-- desired_state is the user's wish; state is what the worker reports.
create type public.bot_desired_state as enum ('running', 'paused', 'stopped');
create type public.bot_state as enum ('stopped', 'starting', 'running', 'paused', 'halted', 'error');
create type public.risk_tolerance as enum ('conservative', 'moderate', 'aggressive');
create type public.decision_action as enum ('buy', 'sell', 'hold');
create type public.notification_kind as enum ('telegram', 'email');
create type public.backtest_status as enum ('queued', 'running', 'succeeded', 'failed', 'cancelled');
create type public.model_status as enum ('training', 'ready', 'failed', 'retired');

-- Validators used by check constraints --------------------------------------------------------------------------

-- Market symbols as the core writes them (BTC-USDT) or as ccxt does (BTC/USDT, BTC/USDT:USDT for derivatives).
create function keel.is_symbol(symbol text) returns boolean language sql immutable parallel safe as $$
  select symbol ~ '^[A-Z0-9]{1,20}[-/][A-Z0-9]{1,20}(:[A-Z0-9]{1,20})?$'
$$;

create function keel.are_symbols(symbols text[]) returns boolean language sql immutable parallel safe as $$
  select cardinality(symbols) between 1 and 100
    and array_position(symbols, null) is null
    and (select bool_and(keel.is_symbol(s)) and count(distinct s) = count(*) from unnest(symbols) s)
$$;

create function keel.touch_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end $$;

-- Users -----------------------------------------------------------------------------------------------------------

create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text constraint profiles_display_name_length check (char_length(display_name) between 1 and 100),
  risk_tolerance public.risk_tolerance not null default 'moderate',
  settings jsonb not null default '{}' constraint profiles_settings_is_object check (jsonb_typeof(settings) = 'object'),
  -- Written only by the service role (column privileges): the admin pages' gate.
  is_admin boolean not null default false,
  -- The user's own kill switch: stops every bot of theirs.
  kill_switch boolean not null default false,
  kill_switch_reason text constraint profiles_kill_switch_reason_length check (char_length(kill_switch_reason) <= 500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Platform-wide settings: one row, writable only by the service role.
create table public.platform_settings (
  id boolean primary key default true constraint platform_settings_single_row check (id),
  kill_switch boolean not null default false,
  kill_switch_reason text,
  updated_at timestamptz not null default now()
);
insert into public.platform_settings (id) values (true);

-- Exchange keys: an envelope. secret_ciphertext is {apiKey, secret, passphrase} under a per-credential AES-256-GCM
-- data key; wrapped_data_key is that data key under the master key master_key_id (rotation re-wraps only the data
-- key). The authenticated role can write these columns but never read them (column privileges).
create table public.exchange_credentials (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  exchange text not null constraint exchange_credentials_exchange_format check (exchange ~ '^[a-z0-9]{2,32}$'),
  label text not null constraint exchange_credentials_label_length check (char_length(label) between 1 and 100),
  api_key_last4 text not null constraint exchange_credentials_api_key_last4_length check (char_length(api_key_last4) = 4),
  secret_ciphertext bytea,
  wrapped_data_key bytea,
  master_key_id text constraint exchange_credentials_master_key_id_format check (master_key_id ~ '^[A-Za-z0-9._-]{1,64}$'),
  has_secret boolean not null generated always as (secret_ciphertext is not null) stored,
  secret_updated_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- The envelope is whole or absent (absent: revoked, kept for the history of the bots that used it).
  constraint exchange_credentials_envelope_complete check (
    (secret_ciphertext is null) = (wrapped_data_key is null) and (wrapped_data_key is null) = (master_key_id is null)
  ),
  -- AES-GCM: 12-byte nonce + ciphertext + 16-byte tag; a wrapped 32-byte key is exactly 60 bytes.
  constraint exchange_credentials_ciphertext_size check (octet_length(secret_ciphertext) between 29 and 8192),
  constraint exchange_credentials_wrapped_key_size check (octet_length(wrapped_data_key) = 60),
  constraint exchange_credentials_id_user_key unique (id, user_id),
  constraint exchange_credentials_label_key unique (user_id, exchange, label)
);

-- Bots ------------------------------------------------------------------------------------------------------------

create table public.bots (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  name text not null constraint bots_name_length check (char_length(name) between 1 and 100),
  exchange text not null constraint bots_exchange_format check (exchange ~ '^[a-z0-9]{2,32}$'),
  exchange_credential_id uuid,
  symbols text[] not null constraint bots_symbols_valid check (keel.are_symbols(symbols)),
  timeframe text not null constraint bots_timeframe_valid
    check (timeframe in ('1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '1w')),
  mode public.bot_mode not null default 'paper',
  agents jsonb not null default '[]' constraint bots_agents_is_array check (jsonb_typeof(agents) = 'array'),
  risk_limits jsonb not null default '{}' constraint bots_risk_limits_is_object check (jsonb_typeof(risk_limits) = 'object'),
  paper_starting_cash_quote numeric(38, 18) not null default 10000
    constraint bots_paper_starting_cash_positive check (paper_starting_cash_quote > 0),
  desired_state public.bot_desired_state not null default 'stopped',
  state public.bot_state not null default 'stopped',
  state_reason text,
  state_changed_at timestamptz,
  kill_switch boolean not null default false,
  kill_switch_reason text constraint bots_kill_switch_reason_length check (char_length(kill_switch_reason) <= 500),
  breaker_tripped_at timestamptz,
  breaker_reason text,
  -- N workers share the bots: a worker owns a bot while its lease is unexpired.
  lease_owner text constraint bots_lease_owner_length check (char_length(lease_owner) between 1 and 200),
  lease_expires_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint bots_live_needs_credential check (mode = 'paper' or exchange_credential_id is not null),
  constraint bots_breaker_has_reason check ((breaker_tripped_at is null) = (breaker_reason is null)),
  constraint bots_lease_complete check ((lease_owner is null) = (lease_expires_at is null)),
  constraint bots_credential_same_user foreign key (exchange_credential_id, user_id)
    references public.exchange_credentials (id, user_id),
  constraint bots_id_user_key unique (id, user_id),
  constraint bots_name_key unique (user_id, name)
);
create index bots_runnable_idx on public.bots (lease_expires_at) where desired_state = 'running';
create index bots_credential_idx on public.bots (exchange_credential_id) where exchange_credential_id is not null;

-- Decisions: the AI pipeline's rationale records --------------------------------------------------------------------

create table public.decisions (
  id bigint generated always as identity primary key,
  -- The owner is checked through the bot (bot_id, user_id), which references auth.users: one check per row, not two.
  user_id uuid not null default auth.uid(),
  bot_id uuid not null,
  time timestamptz not null,
  symbol text not null constraint decisions_symbol_valid check (keel.is_symbol(symbol)),
  action public.decision_action not null,
  confidence numeric(5, 4) not null constraint decisions_confidence_range check (confidence between 0 and 1),
  -- regime, chosen agent, each agent's vote and confidence, top features, risk tolerance, risk verdict and reasons.
  rationale jsonb not null constraint decisions_rationale_is_object check (jsonb_typeof(rationale) = 'object'),
  created_at timestamptz not null default now(),
  constraint decisions_bot_same_user foreign key (bot_id, user_id) references public.bots (id, user_id) on delete cascade,
  constraint decisions_id_user_key unique (id, user_id)
);
create index decisions_bot_time_idx on public.decisions (bot_id, time desc);

-- Orders and fills ----------------------------------------------------------------------------------------------

create table public.orders (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  bot_id uuid not null,
  -- Deterministic, the idempotency key with the venue; Binance's newClientOrderId alphabet and length.
  client_order_id text not null constraint orders_client_order_id_format check (client_order_id ~ '^[A-Za-z0-9._:/-]{1,36}$'),
  symbol text not null constraint orders_symbol_valid check (keel.is_symbol(symbol)),
  side public.order_side not null,
  type public.order_type not null,
  qty_base numeric(38, 18) constraint orders_qty_base_positive check (qty_base > 0),
  quote_qty numeric(38, 18) constraint orders_quote_qty_positive check (quote_qty > 0),
  limit_price numeric(38, 18) constraint orders_limit_price_positive check (limit_price > 0),
  stop_price numeric(38, 18) constraint orders_stop_price_positive check (stop_price > 0),
  status public.order_status not null default 'pending',
  exchange_order_id text constraint orders_exchange_order_id_length check (char_length(exchange_order_id) between 1 and 100),
  filled_qty_base numeric(38, 18) not null default 0 constraint orders_filled_qty_base_not_negative check (filled_qty_base >= 0),
  filled_quote numeric(38, 18) not null default 0 constraint orders_filled_quote_not_negative check (filled_quote >= 0),
  reason text not null constraint orders_reason_length check (char_length(reason) between 1 and 1000),
  reject_reason text,
  decision_id bigint,
  cancel_requested_at timestamptz,
  submitted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint orders_size_exactly_one check (num_nonnulls(qty_base, quote_qty) = 1),
  constraint orders_quote_qty_market_buy_only check (quote_qty is null or (type = 'market' and side = 'buy')),
  constraint orders_limit_price_iff_limit check ((type = 'limit') = (limit_price is not null)),
  constraint orders_stop_price_iff_stop check ((type = 'stop') = (stop_price is not null)),
  constraint orders_unfilled_qty_not_negative check (qty_base is null or filled_qty_base <= qty_base),
  constraint orders_rejected_has_reason check (status <> 'rejected' or reject_reason is not null),
  constraint orders_bot_same_user foreign key (bot_id, user_id) references public.bots (id, user_id),
  constraint orders_decision_same_user foreign key (decision_id, user_id) references public.decisions (id, user_id),
  constraint orders_client_order_id_key unique (client_order_id),
  -- The target of fills' reference: a fill's bot, symbol and side are its order's.
  constraint orders_fill_target_key unique (client_order_id, user_id, bot_id, symbol, side)
);
create unique index orders_exchange_order_id_key on public.orders (bot_id, exchange_order_id)
  where exchange_order_id is not null;
create index orders_bot_created_idx on public.orders (bot_id, created_at desc);
-- Restart reconciliation reads a bot's unsettled orders.
create index orders_unsettled_idx on public.orders (bot_id)
  where status in ('pending', 'open', 'partially_filled');

-- Fills are append-only (see the audit-trail migration). trade_id is the venue's trade id (the paper broker
-- numbers its fills): unique per order, so a fill reported twice (WS and REST) is rejected, never double-counted.
create table public.fills (
  id bigint generated always as identity primary key,
  -- The owner is checked through the order (…, user_id, …), which references auth.users: one check per row.
  user_id uuid not null default auth.uid(),
  bot_id uuid not null,
  client_order_id text not null,
  symbol text not null,
  side public.order_side not null,
  trade_id text not null constraint fills_trade_id_length check (char_length(trade_id) between 1 and 100),
  time timestamptz not null,
  price_quote numeric(38, 18) not null constraint fills_price_positive check (price_quote > 0),
  qty_base numeric(38, 18) not null constraint fills_qty_positive check (qty_base > 0),
  -- Negative for a maker rebate.
  fee_quote numeric(38, 18) not null default 0,
  liquidity public.liquidity not null,
  created_at timestamptz not null default now(),
  -- Cascade only for account deletion (users → orders → fills); nobody but the service may delete an order.
  constraint fills_order_matches foreign key (client_order_id, user_id, bot_id, symbol, side)
    references public.orders (client_order_id, user_id, bot_id, symbol, side) on delete cascade,
  constraint fills_trade_key unique (client_order_id, trade_id)
);
create index fills_bot_time_idx on public.fills (bot_id, time desc, id desc);

create table public.positions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  bot_id uuid not null,
  symbol text not null constraint positions_symbol_valid check (keel.is_symbol(symbol)),
  -- Signed: negative is short.
  qty_base numeric(38, 18) not null default 0,
  avg_entry_price_quote numeric(38, 18) not null default 0
    constraint positions_avg_entry_price_not_negative check (avg_entry_price_quote >= 0),
  realized_pnl_quote numeric(38, 18) not null default 0,
  updated_at timestamptz not null default now(),
  constraint positions_open_has_entry_price check (qty_base = 0 or avg_entry_price_quote > 0),
  constraint positions_bot_same_user foreign key (bot_id, user_id) references public.bots (id, user_id) on delete cascade,
  constraint positions_bot_symbol_key unique (bot_id, symbol)
);

create table public.equity_snapshots (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  bot_id uuid not null,
  time timestamptz not null,
  equity_quote numeric(38, 18) not null,
  cash_quote numeric(38, 18) not null,
  constraint equity_snapshots_bot_same_user foreign key (bot_id, user_id)
    references public.bots (id, user_id) on delete cascade,
  constraint equity_snapshots_bot_time_key unique (bot_id, time)
);

-- The audit trail. No foreign key to auth.users on purpose: the trail outlives the account it describes.
create table public.audit_log (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null default now(),
  -- Whose data the event concerns (null: the platform's).
  user_id uuid,
  -- Who acted: the JWT's subject, if any, and the database role it acted through.
  actor_id uuid default auth.uid(),
  actor_role text not null default current_user,
  action text not null constraint audit_log_action_format check (action ~ '^[a-z][a-z_]*(\.[a-z][a-z_]*)+$'),
  entity text,
  entity_id text,
  request_id text default nullif(current_setting('keel.request_id', true), ''),
  ip inet default nullif(current_setting('keel.client_ip', true), '')::inet,
  payload jsonb not null default '{}' constraint audit_log_payload_is_object check (jsonb_typeof(payload) = 'object')
);
create index audit_log_user_time_idx on public.audit_log (user_id, occurred_at desc, id desc);

-- Settings and integrations ---------------------------------------------------------------------------------------

create table public.notification_channels (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  kind public.notification_kind not null,
  -- A Telegram chat id or an email address.
  target text not null,
  enabled boolean not null default true,
  events text[] not null default '{}',
  verified_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint notification_channels_target_valid check (
    (kind = 'telegram' and target ~ '^-?[0-9]{1,20}$')
    or (kind = 'email' and target ~ '^[^@[:space:]]{1,64}@[^@[:space:]]{1,255}\.[^@[:space:]]{2,63}$')
  ),
  constraint notification_channels_target_key unique (user_id, kind, target)
);

-- API tokens: only a SHA-256 of the token is stored; the token itself is shown once, at creation.
create table public.api_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  name text not null constraint api_tokens_name_length check (char_length(name) between 1 and 100),
  token_hash bytea not null constraint api_tokens_token_hash_is_sha256 check (octet_length(token_hash) = 32),
  token_prefix text not null constraint api_tokens_token_prefix_format check (token_prefix ~ '^[A-Za-z0-9_]{4,16}$'),
  scopes text[] not null default '{read}' constraint api_tokens_scopes_valid
    check (cardinality(scopes) >= 1 and scopes <@ array['read', 'trade', 'manage']::text[]),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  constraint api_tokens_expiry_after_creation check (expires_at is null or expires_at > created_at),
  constraint api_tokens_token_hash_key unique (token_hash)
);

create table public.ip_allowlist (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  cidr cidr not null,
  label text constraint ip_allowlist_label_length check (char_length(label) <= 100),
  created_at timestamptz not null default now(),
  constraint ip_allowlist_cidr_key unique (user_id, cidr)
);

-- Research -----------------------------------------------------------------------------------------------------

create table public.backtests (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  bot_id uuid,
  status public.backtest_status not null default 'queued',
  params jsonb not null constraint backtests_params_is_object check (jsonb_typeof(params) = 'object'),
  metrics jsonb constraint backtests_metrics_is_object check (jsonb_typeof(metrics) = 'object'),
  error text,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint backtests_finished_after_start check (finished_at is null or (started_at is not null and finished_at >= started_at)),
  constraint backtests_failed_has_error check (status <> 'failed' or error is not null),
  constraint backtests_bot_same_user foreign key (bot_id, user_id)
    references public.bots (id, user_id) on delete set null (bot_id)
);
create index backtests_user_created_idx on public.backtests (user_id, created_at desc);

create table public.models (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  name text not null constraint models_name_format check (name ~ '^[A-Za-z0-9._-]{1,100}$'),
  version integer not null constraint models_version_positive check (version > 0),
  kind text not null constraint models_kind_format check (kind ~ '^[a-z_]{1,40}$'),
  status public.model_status not null default 'training',
  params jsonb not null default '{}' constraint models_params_is_object check (jsonb_typeof(params) = 'object'),
  metrics jsonb constraint models_metrics_is_object check (jsonb_typeof(metrics) = 'object'),
  artifact_uri text constraint models_artifact_uri_length check (char_length(artifact_uri) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint models_ready_has_artifact check (status <> 'ready' or artifact_uri is not null),
  constraint models_version_key unique (user_id, name, version)
);

-- Integrity triggers ------------------------------------------------------------------------------------------------

create trigger profiles_touch before update on public.profiles for each row execute function keel.touch_updated_at();
create trigger platform_settings_touch before update on public.platform_settings
  for each row execute function keel.touch_updated_at();
create trigger exchange_credentials_touch before update on public.exchange_credentials
  for each row execute function keel.touch_updated_at();
create trigger bots_touch before update on public.bots for each row execute function keel.touch_updated_at();
create trigger orders_touch before update on public.orders for each row execute function keel.touch_updated_at();
create trigger notification_channels_touch before update on public.notification_channels
  for each row execute function keel.touch_updated_at();
create trigger backtests_touch before update on public.backtests for each row execute function keel.touch_updated_at();
create trigger models_touch before update on public.models for each row execute function keel.touch_updated_at();

-- Orders move forward only: pending → open → partially_filled → filled, or to cancelled/rejected; terminal states
-- stay (a late fill may still raise the filled amounts of a cancelled order). What the order is never changes.
create function keel.order_status_may_change(from_status public.order_status, to_status public.order_status)
returns boolean language sql immutable parallel safe as $$
  select from_status = to_status or case from_status
    when 'pending' then to_status in ('open', 'partially_filled', 'filled', 'cancelled', 'rejected')
    when 'open' then to_status in ('partially_filled', 'filled', 'cancelled')
    when 'partially_filled' then to_status in ('filled', 'cancelled')
    else false
  end
$$;

create function keel.guard_order_update() returns trigger language plpgsql as $$
begin
  if (new.user_id, new.bot_id, new.client_order_id, new.symbol, new.side, new.type, new.qty_base, new.quote_qty,
      new.limit_price, new.stop_price, new.reason, new.decision_id, new.created_at)
     is distinct from
     (old.user_id, old.bot_id, old.client_order_id, old.symbol, old.side, old.type, old.qty_base, old.quote_qty,
      old.limit_price, old.stop_price, old.reason, old.decision_id, old.created_at) then
    raise exception 'order %: only its status, exchange order id, filled amounts and timestamps may change',
      old.client_order_id using errcode = 'check_violation', constraint = 'orders_immutable_request';
  end if;
  if not keel.order_status_may_change(old.status, new.status) then
    raise exception 'order %: status cannot go from % to %', old.client_order_id, old.status, new.status
      using errcode = 'check_violation', constraint = 'orders_status_transition';
  end if;
  if new.filled_qty_base < old.filled_qty_base or new.filled_quote < old.filled_quote then
    raise exception 'order %: filled amounts never decrease', old.client_order_id
      using errcode = 'check_violation', constraint = 'orders_filled_monotonic';
  end if;
  if old.exchange_order_id is not null and new.exchange_order_id is distinct from old.exchange_order_id then
    raise exception 'order %: the exchange order id % cannot change', old.client_order_id, old.exchange_order_id
      using errcode = 'check_violation', constraint = 'orders_exchange_order_id_fixed';
  end if;
  return new;
end $$;

create trigger orders_guard before update on public.orders for each row execute function keel.guard_order_update();
