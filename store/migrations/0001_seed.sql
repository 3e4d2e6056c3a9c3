-- The seed's schema, with its exact table, column and index names. IF NOT
-- EXISTS lets vpslink adopt a database created by the seed's own scripts.
-- One difference: scheduled_messages.to_phone has no foreign key to
-- contacts, so that a contact with only history can be deleted while its
-- messages keep their phone and name (a database with the key is rebuilt
-- without it; a contact's new phone still reaches its messages through the
-- trigger of 0009).

CREATE TABLE IF NOT EXISTS contacts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    phone       TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    aliases     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(aliases)),
    tags        TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    is_favorite INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE IF NOT EXISTS scheduled_messages (
    id            TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    to_phone      TEXT NOT NULL,
    contact_name  TEXT,
    message       TEXT NOT NULL,
    scheduled_at  TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    error_message TEXT,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    sent_at       TEXT
);

CREATE TABLE IF NOT EXISTS jobs (
    id                      TEXT NOT NULL PRIMARY KEY DEFAULT (lower(hex(randomblob(16)))),
    title                   TEXT,
    status                  TEXT NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'running', 'paused', 'completed', 'failed', 'cancelled')),
    scheduled_start_at      TEXT NOT NULL,
    created_at              TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    completed_at            TEXT,
    current_recipient_index INTEGER NOT NULL DEFAULT 0,
    current_part_index      INTEGER NOT NULL DEFAULT 0,
    recipients_sent         INTEGER NOT NULL DEFAULT 0,
    recipients_failed       INTEGER NOT NULL DEFAULT 0,
    last_sent_at            TEXT,
    config                  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config)),
    message_parts           TEXT NOT NULL CHECK (json_valid(message_parts)),
    recipients              TEXT NOT NULL CHECK (json_valid(recipients))
);

CREATE TABLE IF NOT EXISTS chats (
    id                TEXT NOT NULL PRIMARY KEY,
    name              TEXT,
    is_group          INTEGER NOT NULL DEFAULT 0,
    unread_count      INTEGER NOT NULL DEFAULT 0,
    last_message_time INTEGER,
    created_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE IF NOT EXISTS messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id      TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    message      TEXT,
    timestamp    INTEGER NOT NULL,
    is_from_me   INTEGER NOT NULL DEFAULT 0,
    message_type TEXT NOT NULL DEFAULT 'text',
    raw_message  TEXT,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX IF NOT EXISTS idx_contacts_name ON contacts(name);
CREATE INDEX IF NOT EXISTS idx_scheduled_messages_status ON scheduled_messages(status, scheduled_at);
CREATE INDEX IF NOT EXISTS idx_scheduled_messages_scheduled_at ON scheduled_messages(scheduled_at);
CREATE INDEX IF NOT EXISTS idx_scheduled_messages_to_phone ON scheduled_messages(to_phone);
CREATE INDEX IF NOT EXISTS idx_jobs_status ON jobs(status);
CREATE INDEX IF NOT EXISTS idx_chats_last_message_time ON chats(last_message_time);
CREATE INDEX IF NOT EXISTS idx_messages_chat_timestamp ON messages(chat_id, timestamp);
