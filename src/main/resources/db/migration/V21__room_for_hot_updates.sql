-- Room on each page for a row's next version, so that the updates which change no indexed column are
-- HOT (the new version on the same page, no new index entry): an action's claim (it sets only
-- lease_until) and an action's log line when its outcome is written (status, message, calls). On full
-- pages (the default fillfactor of 100) most of them were not: a claim then added an entry to each of
-- the five action_job indexes that held the row, a log line one to each of event_log's three.
-- A claim takes up to 32 jobs queued together, and an outcome group ends several log lines of one
-- page, so a page keeps half of itself for their new versions. Pages written before this migration
-- keep theirs; the setting applies as new pages fill (bench/deliver: 66.2 -> 62.2 WAL records and
-- 9.7 -> 8.9 KB of WAL per event; the claims went from 13 % HOT to all of them).
ALTER TABLE action_job SET (fillfactor = 50);
ALTER TABLE event_log SET (fillfactor = 50);
