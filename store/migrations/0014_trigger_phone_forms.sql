-- Rows other tools insert follow the phone rules vpslink applies itself as
-- far as SQL can: a "(0)" trunk prefix in an international form ("+44 (0)
-- 7700 900128", "0044 (0)...") is dropped, as it is not dialled from
-- abroad, and a national number ("07700 900127") is refused, since only
-- the phone region of vpslink's configuration says which country it is
-- in; before, both were stored as if international. Group JIDs keep the
-- rules of 0012.
DROP TRIGGER scheduled_messages_check_insert;
CREATE TRIGGER scheduled_messages_check_insert BEFORE INSERT ON scheduled_messages
BEGIN
    SELECT RAISE(ABORT, 'scheduled_messages.scheduled_at: not a valid time')
     WHERE strftime('%Y-%m-%dT%H:%M:%fZ', NEW.scheduled_at) IS NULL;
    SELECT RAISE(ABORT, 'scheduled_messages.to_phone: not a group JID')
     WHERE trim(NEW.to_phone) GLOB '*@g.us' AND (SELECT u = '' OR u GLOB '*[^0-9-]*' OR u GLOB '-*' OR u GLOB '*-'
           FROM (SELECT substr(trim(NEW.to_phone), 1, length(trim(NEW.to_phone)) - 5) AS u));
    SELECT RAISE(ABORT, 'scheduled_messages.to_phone: a national number; give it with its country code')
     WHERE trim(NEW.to_phone) NOT GLOB '*@g.us' AND (SELECT q LIKE '0%' AND q NOT LIKE '00%' FROM (SELECT
            replace(replace(replace(replace(replace(replace(replace(NEW.to_phone, '@s.whatsapp.net', ''), '.', ''),
            '+', ''), ' ', ''), '-', ''), '(', ''), ')', '') AS q));
    SELECT RAISE(ABORT, 'scheduled_messages.to_phone: not a phone number')
     WHERE trim(NEW.to_phone) NOT GLOB '*@g.us' AND (SELECT p GLOB '*[^0-9]*' OR p LIKE '0%' OR length(p) NOT BETWEEN 6 AND 15 FROM (SELECT
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
