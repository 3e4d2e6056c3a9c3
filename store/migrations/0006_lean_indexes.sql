-- Every send rewrites, in its claim's synced commit, each index page its
-- status change touches, so each index costs time on every send.
--
-- The seed's status index gains the id as a last column and replaces the
-- list index of migration 0003, which was the same index plus that column:
-- lists page in (scheduled_at, id) order without a sort, and the due query
-- uses the same leading columns as before.
DROP INDEX idx_scheduled_messages_status_order;
DROP INDEX idx_scheduled_messages_status;
CREATE INDEX idx_scheduled_messages_status ON scheduled_messages(status, scheduled_at, id);

-- Only claimed ledger rows are ever looked up by state (start-up recovery);
-- an index of those alone stays one page, where an index of every state
-- changed two pages per send.
DROP INDEX idx_deliveries_state;
CREATE INDEX idx_deliveries_claimed ON deliveries(id) WHERE state = 'claimed';
