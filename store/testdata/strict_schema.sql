-- A database its owner made from the seed's plan with stricter rules of
-- their own: narrower status CHECKs (no 'sending', 'cancelled' or
-- 'paused'), a required job title, a CHECK on message types, no foreign
-- key from messages to contacts, triggers that stamp updated_at, extra
-- indexes, views queried by hand and a table of backups.
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phone TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    aliases TEXT DEFAULT '[]',
    tags TEXT DEFAULT '[]',
    is_favorite INTEGER DEFAULT 0 CHECK (is_favorite IN (0, 1)),
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE scheduled_messages (
    id TEXT PRIMARY KEY,
    to_phone TEXT NOT NULL,
    contact_name TEXT,
    message TEXT NOT NULL,
    scheduled_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    error_message TEXT,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    sent_at TEXT
);
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    scheduled_start_at TEXT NOT NULL,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    completed_at TEXT,
    current_recipient_index INTEGER DEFAULT 0,
    current_part_index INTEGER DEFAULT 0,
    recipients_sent INTEGER DEFAULT 0,
    recipients_failed INTEGER DEFAULT 0,
    last_sent_at TEXT,
    config TEXT NOT NULL DEFAULT '{}',
    message_parts TEXT NOT NULL,
    recipients TEXT NOT NULL
);
CREATE TABLE chats (
    id TEXT PRIMARY KEY,
    name TEXT,
    is_group INTEGER DEFAULT 0,
    unread_count INTEGER DEFAULT 0,
    last_message_time INTEGER,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    message TEXT,
    timestamp INTEGER NOT NULL,
    is_from_me INTEGER DEFAULT 0,
    message_type TEXT DEFAULT 'text'
        CHECK (message_type IN ('text', 'audio', 'image', 'video', 'document', 'other')),
    raw_message TEXT,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE backup_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    filename TEXT NOT NULL,
    size_bytes INTEGER,
    location TEXT,
    status TEXT NOT NULL CHECK (status IN ('success', 'failed'))
);

CREATE INDEX idx_contacts_phone ON contacts(phone);
CREATE INDEX idx_contacts_favorite ON contacts(is_favorite);
CREATE INDEX idx_contacts_name ON contacts(name COLLATE NOCASE);
CREATE INDEX idx_scheduled_status ON scheduled_messages(status);
CREATE INDEX idx_scheduled_time ON scheduled_messages(scheduled_at);
CREATE INDEX idx_scheduled_phone ON scheduled_messages(to_phone);
CREATE INDEX idx_jobs_status ON jobs(status);
CREATE INDEX idx_jobs_scheduled ON jobs(scheduled_start_at);
CREATE INDEX idx_messages_chat ON messages(chat_id);
CREATE INDEX idx_messages_timestamp ON messages(timestamp);
CREATE INDEX idx_messages_type ON messages(message_type);
CREATE INDEX idx_chats_last_message ON chats(last_message_time);
CREATE INDEX idx_chats_unread ON chats(unread_count) WHERE unread_count > 0;

CREATE TRIGGER update_contacts_timestamp AFTER UPDATE ON contacts
BEGIN
    UPDATE contacts SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;
CREATE TRIGGER update_chats_timestamp AFTER UPDATE ON chats
BEGIN
    UPDATE chats SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

CREATE VIEW v_pending_messages AS
    SELECT m.id, m.to_phone, coalesce(c.name, m.contact_name) AS name, m.message, m.scheduled_at
      FROM scheduled_messages m LEFT JOIN contacts c ON c.phone = m.to_phone
     WHERE m.status = 'pending' ORDER BY m.scheduled_at;
CREATE VIEW v_pending_jobs AS
    SELECT id, title, scheduled_start_at, recipients_sent, recipients_failed
      FROM jobs WHERE status IN ('pending', 'running') ORDER BY scheduled_start_at;
CREATE VIEW v_recent_chats AS
    SELECT c.id, c.name, c.unread_count, c.last_message_time,
           (SELECT count(*) FROM messages m WHERE m.chat_id = c.id) AS messages
      FROM chats c ORDER BY c.last_message_time DESC LIMIT 50;
