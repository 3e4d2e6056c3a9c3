-- A contact's messages follow a change of its phone, as the foreign key's
-- ON UPDATE CASCADE did before it was dropped (0001) so that contacts with
-- only history can be deleted. A trigger, so other tools' updates follow
-- too.
CREATE TRIGGER IF NOT EXISTS contacts_phone_follows AFTER UPDATE OF phone ON contacts
WHEN NEW.phone IS NOT OLD.phone
BEGIN
    UPDATE scheduled_messages SET to_phone = NEW.phone WHERE to_phone = OLD.phone;
END;
