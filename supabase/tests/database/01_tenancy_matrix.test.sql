-- Tenancy, generated: for every table in public and every verb, user A cannot see or change user B's rows, anon
-- sees nothing, and authenticated without a subject (no claims, or the empty setting a pooled connection keeps)
-- sees nothing. A table added without RLS, an owner column or fixtures fails here (see helpers/tenancy.psql).
begin;
\ir ../helpers/tenancy.psql
select * from no_plan();

select tests.create_user('a@tenancy.test') as a \gset
select tests.create_user('b@tenancy.test') as b \gset
select tests.seed_tenant(:'a');
select tests.seed_tenant(:'b');

select ok((select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and c.relkind in ('r', 'p')) >= 15, 'public holds the 15 tables of the schema');
select * from tests.rls_matrix(:'a', :'b');
-- The same matrix from B's side: isolation holds in both directions.
select * from tests.rls_matrix(:'b', :'a');

select * from finish();
rollback;
