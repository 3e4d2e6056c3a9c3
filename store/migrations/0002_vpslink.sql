-- Columns vpslink adds to the seed's tables (added, never renamed), the
-- delivery ledger, durable idempotency keys and persisted settings.

ALTER TABLE contacts ADD COLUMN secondary_phone TEXT;
ALTER TABLE contacts ADD COLUMN timezone TEXT;
ALTER TABLE contacts ADD COLUMN notes TEXT;

ALTER TABLE scheduled_messages ADD COLUMN wa_message_id TEXT;
ALTER TABLE scheduled_messages ADD COLUMN updated_at TEXT;
ALTER TABLE scheduled_messages ADD COLUMN created_from TEXT;
ALTER TABLE scheduled_messages ADD COLUMN recipient_timezone TEXT;

ALTER TABLE jobs ADD COLUMN error_message TEXT;
ALTER TABLE jobs ADD COLUMN cancelled_at TEXT;
ALTER TABLE jobs ADD COLUMN updated_at TEXT;
ALTER TABLE jobs ADD COLUMN next_step_at TEXT;

ALTER TABLE messages ADD COLUMN wa_message_id TEXT;
ALTER TABLE messages ADD COLUMN sender_jid TEXT;

CREATE UNIQUE INDEX idx_messages_chat_wa_message_id ON messages(chat_id, wa_message_id)
    WHERE wa_message_id IS NOT NULL;
CREATE INDEX idx_jobs_status_next_step ON jobs(status, next_step_at);

-- One row per send: a scheduled message, or one part of a job to one
-- recipient. The row is claimed (inserted or moved out of not_sent) in the
-- transaction that re-checks the source; only not_sent rows may be claimed
-- again, so nothing that may have left the machine is ever sent twice.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id      TEXT REFERENCES scheduled_messages(id) ON DELETE CASCADE,
    job_id          TEXT REFERENCES jobs(id) ON DELETE CASCADE,
    recipient_index INTEGER NOT NULL DEFAULT 0,
    part_index      INTEGER NOT NULL DEFAULT 0,
    recipient       TEXT NOT NULL,
    wa_message_id   TEXT NOT NULL,
    state           TEXT NOT NULL
                    CHECK (state IN ('claimed', 'sent', 'delivered', 'read', 'not_sent', 'unknown', 'failed')),
    error           TEXT,
    attempts        INTEGER NOT NULL DEFAULT 1,
    claimed_at      TEXT NOT NULL,
    sent_at         TEXT,
    delivered_at    TEXT,
    read_at         TEXT,
    CHECK ((message_id IS NULL) <> (job_id IS NULL))
);
CREATE UNIQUE INDEX idx_deliveries_message ON deliveries(message_id) WHERE message_id IS NOT NULL;
CREATE UNIQUE INDEX idx_deliveries_job_step ON deliveries(job_id, recipient_index, part_index)
    WHERE job_id IS NOT NULL;
CREATE INDEX idx_deliveries_wa_message_id ON deliveries(wa_message_id);
CREATE INDEX idx_deliveries_state ON deliveries(state);

-- API requests with an Idempotency-Key: a repeat returns the stored response.
CREATE TABLE idempotency_keys (
    key          TEXT NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code  INTEGER NOT NULL,
    response     BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (key, method, path)
);

-- Small persisted switches, such as the emergency stop.
CREATE TABLE settings (
    key        TEXT NOT NULL PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Rows written by other tools (the seed's sqlite3 commands, a restored
-- legacy file) get the same guarantees as vpslink's own writes: a bad time
-- or phone is refused, loose forms are normalised, and scheduling to an
-- unknown phone creates a minimal contact in the same transaction.
CREATE TRIGGER scheduled_messages_check_insert BEFORE INSERT ON scheduled_messages
BEGIN
    SELECT RAISE(ABORT, 'scheduled_messages.scheduled_at: not a valid time')
     WHERE strftime('%Y-%m-%dT%H:%M:%fZ', NEW.scheduled_at) IS NULL;
    SELECT RAISE(ABORT, 'scheduled_messages.to_phone: not a phone number')
     WHERE (SELECT p GLOB '*[^0-9]*' OR p LIKE '00%' OR length(p) NOT BETWEEN 6 AND 15 FROM (SELECT
            CASE WHEN q LIKE '00%' THEN substr(q, 3) ELSE q END AS p FROM (SELECT
            replace(replace(replace(replace(replace(replace(replace(NEW.to_phone, '@s.whatsapp.net', ''), '.', ''),
            '+', ''), ' ', ''), '-', ''), '(', ''), ')', '') AS q)));
    INSERT OR IGNORE INTO contacts (phone, name)
    SELECT p, coalesce(nullif(NEW.contact_name, ''), p) FROM (SELECT
           CASE WHEN q LIKE '00%' THEN substr(q, 3) ELSE q END AS p FROM (SELECT
           replace(replace(replace(replace(replace(replace(replace(NEW.to_phone, '@s.whatsapp.net', ''), '.', ''),
           '+', ''), ' ', ''), '-', ''), '(', ''), ')', '') AS q));
END;

CREATE TRIGGER scheduled_messages_normalise_insert AFTER INSERT ON scheduled_messages
WHEN NEW.to_phone GLOB '*[^0-9]*' OR NEW.to_phone LIKE '00%' OR NEW.updated_at IS NULL
  OR NEW.scheduled_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
BEGIN
    UPDATE scheduled_messages SET
        to_phone = (SELECT CASE WHEN q LIKE '00%' THEN substr(q, 3) ELSE q END FROM (SELECT
                    replace(replace(replace(replace(replace(replace(replace(NEW.to_phone, '@s.whatsapp.net', ''), '.', ''),
                    '+', ''), ' ', ''), '-', ''), '(', ''), ')', '') AS q)),
        scheduled_at = strftime('%Y-%m-%dT%H:%M:%fZ', NEW.scheduled_at),
        updated_at = coalesce(NEW.updated_at, NEW.created_at)
    WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER scheduled_messages_check_update BEFORE UPDATE OF scheduled_at ON scheduled_messages
WHEN strftime('%Y-%m-%dT%H:%M:%fZ', NEW.scheduled_at) IS NULL
BEGIN
    SELECT RAISE(ABORT, 'scheduled_messages.scheduled_at: not a valid time');
END;

CREATE TRIGGER scheduled_messages_normalise_update AFTER UPDATE OF scheduled_at ON scheduled_messages
WHEN NEW.scheduled_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
BEGIN
    UPDATE scheduled_messages SET scheduled_at = strftime('%Y-%m-%dT%H:%M:%fZ', NEW.scheduled_at)
    WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER jobs_check_insert BEFORE INSERT ON jobs
WHEN strftime('%Y-%m-%dT%H:%M:%fZ', NEW.scheduled_start_at) IS NULL
BEGIN
    SELECT RAISE(ABORT, 'jobs.scheduled_start_at: not a valid time');
END;

CREATE TRIGGER jobs_normalise_insert AFTER INSERT ON jobs
WHEN NEW.updated_at IS NULL
  OR NEW.scheduled_start_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
BEGIN
    UPDATE jobs SET
        scheduled_start_at = strftime('%Y-%m-%dT%H:%M:%fZ', NEW.scheduled_start_at),
        updated_at = coalesce(NEW.updated_at, NEW.created_at)
    WHERE rowid = NEW.rowid;
END;
