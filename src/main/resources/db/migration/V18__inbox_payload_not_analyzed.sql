-- No statement filters or joins on an event's payload, yet ANALYZE sampled it whenever the inbox had
-- changed by a tenth: 0.4-0.7 s of CPU each time, every 10-20 s under a steady 1,000 webhooks/s
-- (bench/ingest with BENCH_PG_LOG), on the cores the webhooks are answered from. The other columns keep
-- their statistics.
ALTER TABLE inbox_event ALTER COLUMN payload SET STATISTICS 0;
