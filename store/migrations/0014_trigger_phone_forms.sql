-- Rows other tools insert: a "(0)" trunk prefix in an international form
-- ("+44 (0) 7700 900128", "0044 (0)...") is dropped, as vpslink's phone
-- rules drop it, since it is not dialled from abroad; before, it was kept
-- as a digit and the number stored as "4407700900128", which the claim
-- takes for international digits. Everything else keeps the rules of 0012
-- (a national number is still reduced to its digits, "07700900127", for
-- the claim to read in the phone region).
DROP TRIGGER scheduled_messages_check_insert;
CREATE TRIGGER scheduled_messages_check_insert BEFORE INSERT ON scheduled_messages
BEGIN
    SELECT RAISE(ABORT, 'scheduled_messages.scheduled_at: not a valid time')
     WHERE strftime('%Y-%m-%dT%H:%M:%fZ', NEW.scheduled_at) IS NULL;
    SELECT RAISE(ABORT, 'scheduled_messages.to_phone: not a group JID')
     WHERE trim(NEW.to_phone) GLOB '*@g.us' AND (SELECT u = '' OR u GLOB '*[^0-9-]*' OR u GLOB '-*' OR u GLOB '*-'
           FROM (SELECT substr(trim(NEW.to_phone), 1, length(trim(NEW.to_phone)) - 5) AS u));
    SELECT RAISE(ABORT, 'scheduled_messages.to_phone: not a phone number')
     WHERE trim(NEW.to_phone) NOT GLOB '*@g.us' AND (SELECT p GLOB '*[^0-9]*' OR p LIKE '00%' OR length(p) NOT BETWEEN 6 AND 15 FROM (SELECT
            CASE WHEN q LIKE '00%' THEN substr(q, 3) ELSE q END AS p FROM (SELECT
            replace(replace(replace(replace(replace(replace(replace(CASE WHEN ltrim(NEW.to_phone) GLOB '[+]*' OR ltrim(NEW.to_phone) LIKE '00%'
            THEN replace(NEW.to_phone, '(0)', '') ELSE NEW.to_phone END, '@s.whatsapp.net', ''), '.', ''),
            '+', ''), ' ', ''), '-', ''), '(', ''), ')', '') AS q)));
    INSERT OR IGNORE INTO contacts (phone, name)
    SELECT p, coalesce(nullif(NEW.contact_name, ''), p) FROM (SELECT
           CASE WHEN q LIKE '00%' THEN substr(q, 3) ELSE q END AS p FROM (SELECT
           replace(replace(replace(replace(replace(replace(replace(CASE WHEN ltrim(NEW.to_phone) GLOB '[+]*' OR ltrim(NEW.to_phone) LIKE '00%'
            THEN replace(NEW.to_phone, '(0)', '') ELSE NEW.to_phone END, '@s.whatsapp.net', ''), '.', ''),
           '+', ''), ' ', ''), '-', ''), '(', ''), ')', '') AS q))
     WHERE trim(NEW.to_phone) NOT GLOB '*@g.us';
END;

DROP TRIGGER scheduled_messages_normalise_insert;
CREATE TRIGGER scheduled_messages_normalise_insert AFTER INSERT ON scheduled_messages
WHEN (NEW.to_phone GLOB '*[^0-9]*' AND NEW.to_phone NOT GLOB '[0-9]*@g.us') OR NEW.to_phone LIKE '00%' OR NEW.updated_at IS NULL
  OR NEW.scheduled_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'
BEGIN
    UPDATE scheduled_messages SET
        to_phone = CASE WHEN trim(NEW.to_phone) GLOB '*@g.us' THEN trim(NEW.to_phone) ELSE (
                    SELECT CASE WHEN q LIKE '00%' THEN substr(q, 3) ELSE q END FROM (SELECT
                    replace(replace(replace(replace(replace(replace(replace(CASE WHEN ltrim(NEW.to_phone) GLOB '[+]*' OR ltrim(NEW.to_phone) LIKE '00%'
            THEN replace(NEW.to_phone, '(0)', '') ELSE NEW.to_phone END, '@s.whatsapp.net', ''), '.', ''),
                    '+', ''), ' ', ''), '-', ''), '(', ''), ')', '') AS q)) END,
        scheduled_at = strftime('%Y-%m-%dT%H:%M:%fZ', NEW.scheduled_at),
        updated_at = coalesce(NEW.updated_at, NEW.created_at)
    WHERE rowid = NEW.rowid;
END;
