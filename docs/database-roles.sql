-- Least-privilege PostgreSQL roles for the portal (README › Security › Database roles).
--
-- ipcity_owner owns the schema: migrations run as it (`manage.py migrate` with its URL). It is not a superuser.
-- ipcity_app is what the web processes and workers connect as (DATABASE_URL). It reads and writes the portal's
-- tables, may only add to the audit log (and seal its rows: the columns seq and chain) and to the figures' change
-- history, owns nothing, and so cannot alter a table, switch a trigger off or TRUNCATE.
--
-- 1. As a superuser, once:
--      CREATE ROLE ipcity_owner LOGIN PASSWORD '…';
--      CREATE ROLE ipcity_app LOGIN PASSWORD '…';
--      CREATE DATABASE ipcity OWNER ipcity_owner;
--      \c ipcity
--      ALTER SCHEMA public OWNER TO ipcity_owner;
-- 2. DATABASE_URL=postgres://ipcity_owner:…@host/ipcity .venv/bin/python manage.py migrate
-- 3. As ipcity_owner (or a superuser), this file: psql "postgres://ipcity_owner:…@host/ipcity" -f docs/database-roles.sql
--    Run it again after each migration that adds tables.
-- 4. Run the portal with DATABASE_URL=postgres://ipcity_app:…@host/ipcity
--
-- tests/units/test_database_roles.py applies the statements below to a role of its own and checks each rule.

GRANT CONNECT ON DATABASE ipcity TO ipcity_app;
GRANT USAGE ON SCHEMA public TO ipcity_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ipcity_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ipcity_app;
REVOKE UPDATE, DELETE, TRUNCATE ON units_auditevent FROM ipcity_app;
GRANT UPDATE (seq, chain) ON units_auditevent TO ipcity_app;
REVOKE UPDATE, DELETE, TRUNCATE ON reports_historicalsubmission, reports_historicaltaskreport FROM ipcity_app;
REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM ipcity_app;
