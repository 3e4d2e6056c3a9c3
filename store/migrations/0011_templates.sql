-- Saved texts with placeholders ({name}, {alias}, ...), and the text each
-- ledger row actually sent: a text with placeholders is rendered per
-- recipient in the claim, so the source's text is not what went out.
-- NULL on rows claimed before this column existed (they sent their
-- source's text as it is).
ALTER TABLE deliveries ADD COLUMN text TEXT;
CREATE TABLE templates (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
