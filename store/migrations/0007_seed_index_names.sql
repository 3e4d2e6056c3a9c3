-- The seed's index names, so that scripts and habits written for the seed
-- find them. Where vpslink's index serves the same purpose it takes the
-- seed's name (SQLite cannot rename an index: it is dropped and made again);
-- a database made by the seed's own script had its own, narrower version
-- under that name, which is replaced by vpslink's.
--
-- Every index on scheduled_messages costs time in each send's synced
-- commit only when its columns change: the status index does, the time and
-- phone indexes do not. No index is added to that table here.
DROP INDEX IF EXISTS idx_scheduled_messages_status;
DROP INDEX IF EXISTS idx_scheduled_status;
CREATE INDEX idx_scheduled_status ON scheduled_messages(status, scheduled_at, id);

DROP INDEX IF EXISTS idx_scheduled_messages_scheduled_at;
DROP INDEX IF EXISTS idx_scheduled_time;
CREATE INDEX idx_scheduled_time ON scheduled_messages(scheduled_at);

DROP INDEX IF EXISTS idx_scheduled_messages_to_phone;
DROP INDEX IF EXISTS idx_scheduled_phone;
CREATE INDEX idx_scheduled_phone ON scheduled_messages(to_phone);

-- The seed's jobs(status) is the leading column of vpslink's due-job index,
-- which now carries the seed's name: one index instead of two on a table
-- every job step updates.
DROP INDEX IF EXISTS idx_jobs_status_next_step;
DROP INDEX IF EXISTS idx_jobs_status;
CREATE INDEX idx_jobs_status ON jobs(status, next_step_at);

DROP INDEX IF EXISTS idx_messages_chat_timestamp;
DROP INDEX IF EXISTS idx_messages_chat;
CREATE INDEX idx_messages_chat ON messages(chat_id, timestamp);

DROP INDEX IF EXISTS idx_chats_last_message_time;
DROP INDEX IF EXISTS idx_chats_last_message;
CREATE INDEX idx_chats_last_message ON chats(last_message_time);

-- The seed's remaining indexes. contacts.phone is already unique (SQLite's
-- automatic index cannot be named), so idx_contacts_phone repeats it; the
-- contacts table changes seldom, and the name is what scripts look for.
-- Listing chat history by time and finding favourites use the others;
-- none of these tables is written by a send.
DROP INDEX IF EXISTS idx_contacts_phone;
CREATE INDEX idx_contacts_phone ON contacts(phone);
DROP INDEX IF EXISTS idx_contacts_favorite;
CREATE INDEX idx_contacts_favorite ON contacts(is_favorite);
DROP INDEX IF EXISTS idx_jobs_scheduled;
CREATE INDEX idx_jobs_scheduled ON jobs(scheduled_start_at);
DROP INDEX IF EXISTS idx_messages_timestamp;
CREATE INDEX idx_messages_timestamp ON messages(timestamp);
