-- Lists page through one status in (scheduled_at, id) order; this index
-- serves them without a sort.
CREATE INDEX idx_scheduled_messages_status_order ON scheduled_messages(status, scheduled_at, id);
