-- A message sent again on purpose (held after a restore, or failed) is a new
-- message naming the one it resends; the original keeps its history. The
-- partial index serves the foreign key's look-ups without costing the
-- messages that are not resends anything.
ALTER TABLE scheduled_messages ADD COLUMN resent_from TEXT REFERENCES scheduled_messages(id) ON DELETE SET NULL;
CREATE INDEX idx_scheduled_messages_resent_from ON scheduled_messages(resent_from) WHERE resent_from IS NOT NULL;
