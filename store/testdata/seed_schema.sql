-- The schema the seed's own schema.sql creates: its tables, columns and
-- index names, with none of vpslink's additions.
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phone TEXT UNIQUE NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT DEFAULT '[]',
    tags TEXT DEFAULT '[]',
    is_favorite INTEGER DEFAULT 0,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    updated_at TEXT DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE scheduled_messages (
    id TEXT PRIMARY KEY,
    to_phone TEXT NOT NULL,
    contact_name TEXT,
    message TEXT NOT NULL,
    scheduled_at TEXT NOT NULL,
    status TEXT DEFAULT 'pending',
    error_message TEXT,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    sent_at TEXT,
    FOREIGN KEY (to_phone) REFERENCES contacts(phone) ON UPDATE CASCADE
);
CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    title TEXT,
    status TEXT DEFAULT 'pending',
    scheduled_start_at TEXT NOT NULL,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    completed_at TEXT,
    current_recipient_index INTEGER DEFAULT 0,
    current_part_index INTEGER DEFAULT 0,
    recipients_sent INTEGER DEFAULT 0,
    recipients_failed INTEGER DEFAULT 0,
    last_sent_at TEXT,
    config TEXT,
    message_parts TEXT,
    recipients TEXT
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
    chat_id TEXT NOT NULL,
    message TEXT,
    timestamp INTEGER NOT NULL,
    is_from_me INTEGER DEFAULT 0,
    message_type TEXT DEFAULT 'text',
    raw_message TEXT,
    created_at TEXT DEFAULT CURRENT_TIMESTAMP,
    FOREIGN KEY (chat_id) REFERENCES chats(id) ON DELETE CASCADE
);
CREATE INDEX idx_contacts_phone ON contacts(phone);
CREATE INDEX idx_contacts_favorite ON contacts(is_favorite);
CREATE INDEX idx_scheduled_status ON scheduled_messages(status);
CREATE INDEX idx_scheduled_time ON scheduled_messages(scheduled_at);
CREATE INDEX idx_scheduled_phone ON scheduled_messages(to_phone);
CREATE INDEX idx_jobs_status ON jobs(status);
CREATE INDEX idx_jobs_scheduled ON jobs(scheduled_start_at);
CREATE INDEX idx_messages_chat ON messages(chat_id);
CREATE INDEX idx_messages_timestamp ON messages(timestamp);
CREATE INDEX idx_chats_last_message ON chats(last_message_time);
