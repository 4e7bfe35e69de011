-- Reason: autocomplete with nothing typed yet lists the most recently touched contacts
-- (SQLite's 0007).

CREATE INDEX contacts_owner_updated ON contacts (owner_id, updated_at, id);
