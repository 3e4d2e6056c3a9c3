-- Contacts are listed by name (case-insensitively), then phone; this index
-- serves the list without sorting every contact on each request.
CREATE INDEX idx_contacts_name_order ON contacts(name COLLATE NOCASE, phone);
