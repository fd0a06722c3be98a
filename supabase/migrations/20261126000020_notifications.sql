-- Notifications: which events a channel wants (a closed list, so a typo is refused instead of silently never
-- matching) and the one-time codes that link a Telegram chat to an account.
--
-- Linking: the signed-in user asks the edge for a code; the edge stores only its SHA-256 (like api_tokens) and
-- shows the code once. The user sends `/start CODE` to the Keel bot; the worker (service role) consumes the code —
-- unexpired, unused, once — and records the chat as the user's verified Telegram channel.

alter table public.notification_channels
  add constraint notification_channels_events_known
  check (events <@ array['fill', 'breaker', 'anomaly', 'error', 'bot_paused', 'daily_summary']::text[]);

create table public.telegram_link_codes (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
  code_hash bytea not null constraint telegram_link_codes_code_hash_is_sha256 check (octet_length(code_hash) = 32),
  -- Ten minutes, set by the database: users cannot write this column (column privileges below).
  expires_at timestamptz not null default now() + interval '10 minutes',
  used_at timestamptz,
  -- The chat that consumed the code (a Telegram chat id).
  chat_id text constraint telegram_link_codes_chat_id_format check (chat_id ~ '^-?[0-9]{1,20}$'),
  created_at timestamptz not null default now(),
  constraint telegram_link_codes_code_hash_key unique (code_hash),
  constraint telegram_link_codes_used_with_chat check ((used_at is null) = (chat_id is null))
);
create index telegram_link_codes_user_id on public.telegram_link_codes (user_id);

alter table public.telegram_link_codes enable row level security;
alter table public.telegram_link_codes force row level security;
grant select, insert, update, delete on public.telegram_link_codes to service_role;
-- Users issue codes (the hash only) and see when theirs expire or were used; never the hash, never a change.
grant select (id, user_id, expires_at, used_at, chat_id, created_at) on public.telegram_link_codes to authenticated;
grant insert (user_id, code_hash) on public.telegram_link_codes to authenticated;
create policy telegram_link_codes_select_own on public.telegram_link_codes for select to authenticated
  using (user_id = (select auth.uid()));
create policy telegram_link_codes_insert_own on public.telegram_link_codes for insert to authenticated
  with check (user_id = (select auth.uid()));

-- Issuing and consuming a code are audited like every other account change; the hash never reaches the trail.
create trigger telegram_link_codes_audit_insert after insert on public.telegram_link_codes
  referencing new table as new_rows
  for each statement execute function keel.audit_changes('telegram_link_code', 'user_id', 'code_hash');
create trigger telegram_link_codes_audit_update after update on public.telegram_link_codes
  referencing old table as old_rows new table as new_rows
  for each statement execute function keel.audit_changes('telegram_link_code', 'user_id', 'code_hash');
