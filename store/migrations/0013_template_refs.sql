-- The saved template a scheduled message's text was filled from. The text
-- is copied, so this only says where it came from: no foreign key, and
-- deleting a template clears it (store.DeleteTemplate). Job parts keep
-- theirs in message_parts' JSON (templateId).
ALTER TABLE scheduled_messages ADD COLUMN template_id INTEGER;
