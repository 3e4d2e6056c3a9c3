-- A recurring message is a series of occurrences, one row each, so every
-- occurrence has its own status and history. The pending occurrence that
-- carries the series holds its rule (recurrence), its start and its number
-- in it; series_id names the first occurrence. The unique index makes
-- creating the next occurrence idempotent: a claim retried after a crash
-- cannot add an occurrence twice.
ALTER TABLE scheduled_messages ADD COLUMN recurrence TEXT;
ALTER TABLE scheduled_messages ADD COLUMN series_id TEXT;
ALTER TABLE scheduled_messages ADD COLUMN series_start TEXT;
ALTER TABLE scheduled_messages ADD COLUMN occurrence INTEGER;
CREATE UNIQUE INDEX idx_scheduled_messages_series ON scheduled_messages(series_id, series_start, occurrence)
	WHERE series_id IS NOT NULL;
