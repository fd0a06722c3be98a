-- keel.audit_changes() for UPDATE matched each new row to its old row by comparing the rows' jsonb ids: a nested
-- loop that built every old row's jsonb again for every new row. Harmless for one row; a statement updating 4,000
-- bots (a worker's lease heartbeat, bots.renewLeases) took over a minute. Rows are now matched on the id column
-- itself (a hash join), and each row's jsonb is built once. Same audit rows as before.
create or replace function keel.audit_changes() returns trigger language plpgsql security definer set search_path = '' as $$
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
    from new_rows new_row
    join old_rows old_row on old_row.id = new_row.id
    cross join lateral (select to_jsonb(new_row) - hidden as doc) n
    cross join lateral (select to_jsonb(old_row) - hidden as doc) o
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
