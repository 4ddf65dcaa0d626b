-- Room on each action_job page for a row's next version, so that an action's claim (it sets only
-- lease_until, an unindexed column) is a HOT update: the new version on the same page, no index entry.
-- On full pages (the default fillfactor of 100) few claims were: 6 % of the updates in bench/deliver were
-- HOT, and every other claim added an entry to each of the five action_job indexes that held the row.
-- With 30 % of a page kept free, about 80 % of claims are HOT; WAL per event fell from 68.7 to 64.2
-- records and from 9.8 to 9.0 KB, for 8 % more space per job (heap and indexes, 1,435 -> 1,555 bytes).
-- Half a page free made every claim HOT (62.8 records, 8.5 KB) but a job 40 % bigger; event_log at 50 %
-- made more log lines' outcomes HOT but its heap almost three times as big: neither was kept.
-- Pages written before this migration keep theirs; the setting applies as new pages fill.
ALTER TABLE action_job SET (fillfactor = 70);
