-- Reason: the indexes of SQLite's 0006 (reads by contact, by owner, and by kind at a school's
-- scale), for the same queries on PostgreSQL.

CREATE INDEX drafts_contact_sent ON drafts (contact_id, sent_at);
CREATE INDEX exchanges_owner_day ON exchanges (owner_id, happened_on);
CREATE INDEX exchanges_contact_kind ON exchanges (contact_id, kind, happened_on);
CREATE INDEX reminders_owner_due ON reminders (owner_id, due_at) WHERE done_at IS NULL;
