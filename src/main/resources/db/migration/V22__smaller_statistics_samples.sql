-- The tables every event writes to are analyzed at almost every autovacuum visit: a busy engine changes
-- more than a tenth of them between two visits (10 s apart on the embedded database). Each ANALYZE read
-- a sample of 300 x the largest statistics target of the table's columns, 30,000 rows at the default of
-- 100, and sorted it once per column: action_job's cost 0.36 s of CPU each time, and the first five tables
-- below took 8.6 s of CPU in one bench/deliver run (about a tenth of PostgreSQL's CPU, in bursts that
-- hold one of two cores for up to 0.7 s; log_autovacuum_min_duration with BENCH_PG_LOG). The tables of
-- refunds, prospects and subscriptions are written the same way by their events, so they get the same.
--
-- Every statement on these tables finds its rows through a key, a unique index or a partial index on the
-- status; what the planner reads from their statistics is how many rows are in each status, which a
-- sample of 3,000 rows tells as well as one of 30,000. So every column gets a target of 10, and the
-- columns no statement filters on (the documents, the tags) or only through a unique key get 0.
-- An index expression has its own target (it also sizes the sample): action_job's customer email, 10.
-- A column added to one of these tables later starts at the default and brings the large sample back:
-- give it its target here too.
DO $$
DECLARE
    col record;
BEGIN
    FOR col IN
        SELECT a.attrelid::regclass AS tbl, a.attname AS name
          FROM pg_attribute a
         WHERE a.attrelid IN ('action_job'::regclass, 'inbox_event'::regclass, 'fired_trigger'::regclass,
                              'purchase'::regclass, 'contact_ref'::regclass, 'prospect'::regclass,
                              'refund_line'::regclass, 'subscription_charge'::regclass, 'subscription_state'::regclass)
           AND a.attnum > 0 AND NOT a.attisdropped
    LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET STATISTICS %s', col.tbl, col.name,
            CASE WHEN (col.tbl::text, col.name::text) IN (
                         ('action_job', 'customer'), ('action_job', 'params'), ('action_job', 'event_values'),
                         ('action_job', 'tags'), ('action_job', 'log_id'), ('action_job', 'event_id'),
                         ('inbox_event', 'payload'), ('inbox_event', 'webhook_id'),
                         ('fired_trigger', 'dedupe_key'), ('fired_trigger', 'webhook_id'),
                         ('purchase', 'order_id'), ('contact_ref', 'contact_id'),
                         ('prospect', 'customer'), ('prospect', 'source_webhook_id'), ('refund_line', 'refund_id'),
                         ('subscription_charge', 'charge_id'))
                 THEN 0 ELSE 10 END);
    END LOOP;
END $$;

ALTER INDEX action_job_unfinished_by_customer ALTER COLUMN 2 SET STATISTICS 10;
