-- PL/pgSQL caches a statement's plan: one made for a one-row update (a nested loop over the transition tables)
-- would be reused for a 10,000-row one. Planned each time, the join is a hash join at any size.
alter function keel.audit_changes() set plan_cache_mode = force_custom_plan;
