-- Found by the benchmarks (bench/scale.py prints the query plans).
-- At start-up, recovery looks for rows a crash left `sending` (Reminders.release_interrupted). Without an
-- index that is a scan of every reminder ever planned: ~35 ms at 100,000 invoices, ~0.4 s at a million,
-- twice (the SELECT and the UPDATE). Only rows in flight are indexed, so the index stays tiny.
CREATE INDEX reminders_sending ON reminders (claimed_at) WHERE status = 'sending';
