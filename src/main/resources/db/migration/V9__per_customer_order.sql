-- A customer's actions on one integration are done in the order they were queued (spec §5): a job is
-- claimed only when no earlier job of the same customer is unfinished. This index answers that
-- check with one probe per candidate; only unfinished jobs are in it, so it stays small.
CREATE INDEX action_job_unfinished_by_customer
    ON action_job (integration_id, (lower(trim(customer->>'email'))), id)
    WHERE status IN ('pending', 'retrying', 'waiting');
