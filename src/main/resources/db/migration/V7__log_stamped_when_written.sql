-- Log entries are stamped when they are written (clock_timestamp()), not when their transaction
-- began (now(), the default so far). An event's trigger and action lines are written in its
-- batch's transaction, which can begin before the event's own receipt is written: stamped with
-- now(), a trigger could read as older than the receipt listed before it. The log's times now
-- follow the order of its entries.
ALTER TABLE event_log ALTER COLUMN created_at SET DEFAULT clock_timestamp(),
                      ALTER COLUMN updated_at SET DEFAULT clock_timestamp();
