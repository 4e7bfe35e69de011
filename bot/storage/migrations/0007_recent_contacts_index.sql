-- Reason: autocomplete with nothing typed yet (Discord asks as soon as the field is focused)
-- lists the student's most recently touched contacts, ORDER BY updated_at DESC, id DESC. With
-- only (owner_id, name_key) to go on, SQLite sorted the student's whole list for 25 rows:
-- 7.6 ms at the 5,000-contact cap, 1.1 ms walking this index (bench/contacts.py).
-- Date: 2026-12-02

CREATE INDEX contacts_owner_updated ON contacts (owner_id, updated_at, id);
