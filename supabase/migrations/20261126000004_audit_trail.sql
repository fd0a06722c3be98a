-- The audit trail is written by the database itself, so no code path can change an order, a fill, a decision,
-- a setting, a key or a kill switch without leaving a row in audit_log: actor (JWT subject and role), time,
-- request id and IP (the data-access package sets keel.request_id and keel.client_ip per transaction).
-- Logins and other events without a row of their own are recorded by the service (audit_log insert).
--
-- Triggers are per statement with transition tables: a batch of 1,000 fills costs one audit insert…select, not
-- 1,000 trigger calls. The trigger functions are SECURITY DEFINER owned by service_role (BYPASSRLS), which may
-- insert into audit_log; users cannot.

-- keel.audit_changes(entity, owner_column, hidden_column…): one audit row per changed row. Updates record only
-- the columns that changed ({column: {from, to}}); hidden columns (ciphertexts, leases, bulky rationale) never
-- reach the trail. A changed kill_switch is recorded as <entity>.kill_switch, a breaker trip as
-- <entity>.breaker_trip, everything else as <entity>.insert / .update / .delete.
create function keel.audit_changes() returns trigger language plpgsql security definer set search_path = '' as $$
declare
  entity text := tg_argv[0];
  owner_column text := nullif(tg_argv[1], '');
  hidden text[] := coalesce(tg_argv[2:], '{}') || array['updated_at'];
  -- The role the transaction switched to (SET ROLE is not changed by SECURITY DEFINER); none: the session user.
  acting_role text := coalesce(nullif(current_setting('role', true), 'none'), session_user);
  -- Read once per statement, not per row: auth.uid() parses the JWT claims each time it is called.
  actor uuid := auth.uid();
  request text := nullif(current_setting('keel.request_id', true), '');
  client_ip inet := nullif(current_setting('keel.client_ip', true), '')::inet;
begin
  if tg_op = 'INSERT' then
    insert into public.audit_log (user_id, actor_id, actor_role, action, entity, entity_id, request_id, ip, payload)
    select (r.doc ->> owner_column)::uuid, actor, acting_role, entity || '.insert', tg_table_name,
      r.doc ->> 'id', request, client_ip, r.doc - hidden
    from (select to_jsonb(n) as doc from new_rows n) r;
  elsif tg_op = 'UPDATE' then
    insert into public.audit_log (user_id, actor_id, actor_role, action, entity, entity_id, request_id, ip, payload)
    select (n.doc ->> owner_column)::uuid, actor, acting_role,
      entity || case
        when d.changed ? 'kill_switch' then '.kill_switch'
        when d.changed ? 'breaker_tripped_at' and n.doc ->> 'breaker_tripped_at' is not null then '.breaker_trip'
        else '.update'
      end,
      tg_table_name, n.doc ->> 'id', request, client_ip, jsonb_build_object('changed', d.changed)
    from (select to_jsonb(x) - hidden as doc from new_rows x) n
    join (select to_jsonb(x) - hidden as doc from old_rows x) o on o.doc -> 'id' = n.doc -> 'id'
    cross join lateral (
      select jsonb_object_agg(e.key, jsonb_build_object('from', o.doc -> e.key, 'to', e.value)) as changed
      from jsonb_each(n.doc) e
      where (o.doc -> e.key) is distinct from e.value
    ) d
    where d.changed is not null;
  else
    insert into public.audit_log (user_id, actor_id, actor_role, action, entity, entity_id, request_id, ip, payload)
    select (r.doc ->> owner_column)::uuid, actor, acting_role, entity || '.delete', tg_table_name,
      r.doc ->> 'id', request, client_ip, r.doc - hidden
    from (select to_jsonb(o) as doc from old_rows o) r;
  end if;
  return null;
end $$;
alter function keel.audit_changes() owner to service_role;

-- Transition tables allow one event per trigger: insert, update and delete triggers are separate.
do $$
declare
  audited record;
  arguments text;
begin
  for audited in
    select * from (values
      ('orders', 'order', 'user_id', '{}'::text[], array['INSERT', 'UPDATE']),
      ('fills', 'fill', 'user_id', '{}', array['INSERT']),
      ('profiles', 'profile', 'id', '{}', array['UPDATE']),
      ('platform_settings', 'platform', '', '{}', array['UPDATE']),
      ('exchange_credentials', 'exchange_credential', 'user_id', array['secret_ciphertext', 'wrapped_data_key'],
        array['INSERT', 'UPDATE', 'DELETE']),
      ('bots', 'bot', 'user_id', array['lease_owner', 'lease_expires_at'], array['INSERT', 'UPDATE', 'DELETE']),
      ('notification_channels', 'notification_channel', 'user_id', '{}', array['INSERT', 'UPDATE', 'DELETE']),
      ('api_tokens', 'api_token', 'user_id', array['token_hash'], array['INSERT', 'UPDATE', 'DELETE']),
      ('ip_allowlist', 'ip_allowlist', 'user_id', '{}', array['INSERT', 'UPDATE', 'DELETE'])
    ) as t (table_name, entity, owner_column, hidden, events)
  loop
    arguments := array_to_string(
      array[quote_literal(audited.entity), quote_literal(audited.owner_column)]
        || array(select quote_literal(h) from unnest(audited.hidden) h), ', ');
    if 'INSERT' = any (audited.events) then
      execute format('create trigger %I after insert on public.%I referencing new table as new_rows '
        'for each statement execute function keel.audit_changes(%s)',
        audited.table_name || '_audit_insert', audited.table_name, arguments);
    end if;
    if 'UPDATE' = any (audited.events) then
      execute format('create trigger %I after update on public.%I referencing old table as old_rows new table as new_rows '
        'for each statement execute function keel.audit_changes(%s)',
        audited.table_name || '_audit_update', audited.table_name, arguments);
    end if;
    if 'DELETE' = any (audited.events) then
      execute format('create trigger %I after delete on public.%I referencing old table as old_rows '
        'for each statement execute function keel.audit_changes(%s)',
        audited.table_name || '_audit_delete', audited.table_name, arguments);
    end if;
  end loop;
end $$;

-- Decisions are the hottest audited insert, and their rationale the bulkiest column: the generic function would
-- build each row's whole jsonb only to drop the rationale. This one builds the summary alone; the rationale stays
-- in its own (append-only for users) record, which the entry names.
create function keel.audit_decision_inserts() returns trigger language plpgsql security definer
set search_path = '' as $$
declare
  acting_role text := coalesce(nullif(current_setting('role', true), 'none'), session_user);
  actor uuid := auth.uid();
  request text := nullif(current_setting('keel.request_id', true), '');
  client_ip inet := nullif(current_setting('keel.client_ip', true), '')::inet;
begin
  insert into public.audit_log (user_id, actor_id, actor_role, action, entity, entity_id, request_id, ip, payload)
  select n.user_id, actor, acting_role, 'decision.insert', 'decisions', n.id::text, request, client_ip,
    jsonb_build_object('bot_id', n.bot_id, 'time', n.time, 'symbol', n.symbol, 'action', n.action,
      'confidence', n.confidence, 'chosen_agent', n.rationale ->> 'chosenAgent',
      'risk_verdict', n.rationale -> 'riskVerdict' ->> 'kind')
  from new_rows n;
  return null;
end $$;
alter function keel.audit_decision_inserts() owner to service_role;
create trigger decisions_audit_insert after insert on public.decisions referencing new table as new_rows
  for each statement execute function keel.audit_decision_inserts();

-- Append-only tables: a second lock behind the missing privileges, with a message that says why. Only roles that
-- bypass row-level security (service_role, the database owner) may correct or purge rows.
create function keel.forbid_change_unless_service() returns trigger language plpgsql as $$
begin
  if not exists (
    select from pg_catalog.pg_roles where rolname = current_user and (rolsuper or rolbypassrls)
  ) then
    raise exception '% is append-only: its rows are never updated or deleted', tg_table_name
      using errcode = 'insufficient_privilege',
        hint = 'Append a correcting row instead; only the service role may purge.';
  end if;
  return null;
end $$;

create trigger fills_append_only before update or delete or truncate on public.fills
  for each statement execute function keel.forbid_change_unless_service();
create trigger audit_log_append_only before update or delete or truncate on public.audit_log
  for each statement execute function keel.forbid_change_unless_service();

-- Every user gets a profile the moment their account exists (Supabase's handle_new_user pattern).
create function keel.create_profile_for_new_user() returns trigger language plpgsql security definer
set search_path = '' as $$
begin
  insert into public.profiles (id) values (new.id) on conflict (id) do nothing;
  return new;
end $$;
alter function keel.create_profile_for_new_user() owner to service_role;
create trigger keel_create_profile after insert on auth.users
  for each row execute function keel.create_profile_for_new_user();
